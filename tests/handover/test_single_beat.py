"""Beat is single in effect: a periodic task that starts while another run of it is under way (a
second beat, an old one still running during a deploy) does nothing, so every reminder goes once."""

import threading
from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connections

from config.celery import app, exclusive
from handover import services
from handover.models import OutboxMessage, OutboxState, State
from handover.tasks import send_daily_digests

# Real concurrent runs: each thread has its own database connection, which sees committed rows only.
pytestmark = pytest.mark.django_db(transaction=True)

# The mail server of the first run: it takes the first message, then holds the connection until
# the second run has come and gone, so that the two runs overlap for certain.
first_message_taken = threading.Event()
second_run_over = threading.Event()


class SlowMailServer(EmailBackend):
    def send_messages(self, messages):
        sent = super().send_messages(messages)
        if not first_message_taken.is_set():
            first_message_taken.set()
            second_run_over.wait(timeout=30)
        return sent


def use_slow_mail_server(settings) -> None:
    first_message_taken.clear()
    second_run_over.clear()
    settings.EMAIL_BACKEND = f"{__name__}.SlowMailServer"
    mail.outbox = []


def run_in_thread(task, results: list) -> threading.Thread:
    def run():
        try:
            results.append(task())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_run_during_another_sends_nothing_and_each_digest_goes_once(
    default_templates, make_case, people, settings, celery_eager
):
    departure = make_case(State.EXECUTING)
    item = departure.modules.get(kind="product").items.first()
    services.item_hand_over(actor=people.leaver, departure=departure, item_id=item.pk)
    use_slow_mail_server(settings)
    # The leaver has items to hand over; the successor one to accept.
    expected = sorted([people.leaver.email, people.successor_a.email])

    first: list = []
    thread = run_in_thread(send_daily_digests, first)
    assert first_message_taken.wait(timeout=30)
    try:
        second = send_daily_digests()
    finally:
        second_run_over.set()
        thread.join(timeout=30)

    assert second is None
    assert first == [2]
    assert sorted(address for message in mail.outbox for address in message.to) == expected
    assert OutboxMessage.objects.filter(kind="digest", state=OutboxState.SENT).count() == 2
    # Once the first run is over, a third finds every digest of the day sent.
    assert send_daily_digests() == 0
    assert len(mail.outbox) == 2


@contextmanager
def held_by_another_process(name: str):
    """The lock taken by another run, on a database connection of its own (on PostgreSQL the same
    connection may take its lock again)."""
    taken, done = threading.Event(), threading.Event()

    def hold():
        try:
            with exclusive(name) as held:
                assert held
                taken.set()
                done.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert taken.wait(timeout=30)
        yield
    finally:
        done.set()
        thread.join(timeout=30)


@pytest.mark.parametrize("entry", sorted(django_settings.CELERY_BEAT_SCHEDULE))
def test_every_scheduled_task_does_nothing_while_another_run_holds_it(entry, caplog):
    name = django_settings.CELERY_BEAT_SCHEDULE[entry]["task"]
    with held_by_another_process(name):
        assert app.tasks[name]() is None
    assert mail.outbox == []
    assert caplog.messages == [f"{name} skipped: another run of it is under way"]


def free_for_another_process(name: str) -> bool:
    answer: list[bool] = []

    def take():
        try:
            with exclusive(name) as held:
                answer.append(held)
        finally:
            connections.close_all()

    thread = threading.Thread(target=take)
    thread.start()
    thread.join(timeout=30)
    return answer == [True]


def test_the_lock_is_free_again_after_a_run_even_a_failed_one():
    name = "tests.a_periodic_task"
    with pytest.raises(RuntimeError), exclusive(name) as held:
        assert held
        assert not free_for_another_process(name)
        raise RuntimeError("the task failed")
    assert free_for_another_process(name)
