"""A real worker, killed (SIGKILL) in the middle of a send: once its claim has run out, a new worker
sends what it left. Nothing is lost; a message the mail server had not yet taken goes once, and one
it had taken goes again with the same Message-ID."""

import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app, exclusive
from handover.models import Channel, NoticeKind, Notification, OutboxMessage, OutboxState
from handover.notifications import outbox
from handover.notifications.notices import Notice, notify
from handover.tasks import deliver_outbox
from tests import slow_mail
from tests.factories import UserFactory
from tests.worker_process import celery_worker, own_queue

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Long enough for the test to look at what the killed worker left while its claim holds, short
# enough for a quick test.
LEASE_SECONDS = 5
LOCK = f"{deliver_outbox.__module__}.{deliver_outbox.__name__}"


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def mail_server(tmp_path) -> Path:
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@contextmanager
def worker(queue: str, mail_server: Path, log: Path) -> Iterator[subprocess.Popen]:
    with celery_worker(
        queue=queue,
        log=log,
        DATABASE_URL=database_url(),
        EMAIL_BACKEND="tests.slow_mail.SlowMailBackend",
        SLOW_MAIL_DIR=str(mail_server),
        HANDOVER_OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS),
    ) as process:
        try:
            yield process
        finally:
            # A worker the test did not get to kill finishes its send, so that it can stop.
            slow_mail.release(mail_server)


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=10) == -signal.SIGKILL


def wait_until(condition: Callable[[], object], timeout: float, failure: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(failure)
        time.sleep(0.05)


def run_outbox_until(condition: Callable[[], object], timeout: float = 40.0) -> None:
    """Queue the outbox task, and again every second as beat does every minute, until
    ``condition`` holds. A run that finds the task's lock taken does nothing; on SQLite the lock
    is a file of the var folder, which the test processes running beside this one share."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        deliver_outbox.delay()
        again = time.monotonic() + 1
        while time.monotonic() < again:
            if condition():
                return
            time.sleep(0.05)
    raise AssertionError("the outbox was not delivered in time (see the worker logs)")


def lock_free() -> bool:
    with exclusive(LOCK) as held:
        return held


def queued(key: str) -> OutboxMessage:
    return OutboxMessage.objects.create(
        key=key,
        channel=Channel.MAIL,
        kind="test",
        address=f"{key.replace(':', '-')}@example.com",
        subject=f"Message {key}",
        text="Plain text",
        not_before=timezone.now(),
    )


def all_sent() -> bool:
    return not OutboxMessage.objects.exclude(state=OutboxState.SENT).exists()


def test_a_worker_killed_before_the_mail_server_took_a_message_leaves_it_to_be_sent_once(
    mail_server, tmp_path
):
    messages = [queued(f"kill-before:{number}") for number in (1, 2, 3)]
    ids = {outbox.message_id(message): message.pk for message in messages}
    slow_mail.hang(mail_server, slow_mail.BEFORE_ACCEPTING)

    with own_queue(app) as queue:
        with worker(queue, mail_server, tmp_path / "first.log") as first:
            run_outbox_until(lambda: slow_mail.hanging_on(mail_server))
            hung = slow_mail.hanging_on(mail_server)
            kill(first)

        # The Message-ID is the one made from the message's key, the same at every send.
        assert hung in ids
        cut_off = ids[hung]
        dead = OutboxMessage.objects.get(pk=cut_off)
        assert dead.state == OutboxState.SENDING and dead.attempts == 1 and dead.sent_at is None
        assert timezone.now() < dead.lease_until <= timezone.now() + timedelta(seconds=LEASE_SECONDS)
        assert slow_mail.received(mail_server) == []
        # Another worker asking for it while the claim holds does not get it.
        assert outbox.claim(cut_off, timezone.now()) is None
        others = OutboxMessage.objects.exclude(pk=cut_off)
        assert [(m.state, m.attempts) for m in others] == [(OutboxState.PENDING, 0)] * 2
        # The dead worker's run took its lock with it (a file lock, or a PostgreSQL session lock).
        wait_until(lock_free, timeout=5, failure="the killed worker still holds the outbox task's lock")

        slow_mail.release(mail_server)
        with worker(queue, mail_server, tmp_path / "second.log"):
            run_outbox_until(all_sent)

    received = Counter(mail["Message-ID"] for mail in slow_mail.received(mail_server))
    assert received == Counter(ids.keys())
    rows = {m.pk: m for m in OutboxMessage.objects.all()}
    assert {pk: rows[pk].attempts for pk in ids.values()} == {
        pk: 2 if pk == cut_off else 1 for pk in ids.values()
    }
    # Nobody took the message from the dead worker while its claim held.
    assert rows[cut_off].sent_at >= dead.lease_until
    assert all(row.state == OutboxState.SENT and row.lease_until is None for row in rows.values())


def test_a_worker_killed_after_the_mail_server_took_a_message_resends_it_with_the_same_message_id(
    mail_server, tmp_path
):
    people = UserFactory.create_batch(3)
    key = "kill-after"

    def tell() -> int:
        with transaction.atomic():
            return notify(
                kind=NoticeKind.DUE,
                users=people,
                case_id=None,
                key=key,
                compose=lambda user: Notice(title="Your laptop is due back", body="", link="/"),
            )

    slow_mail.hang(mail_server, slow_mail.AFTER_ACCEPTING)
    with own_queue(app) as queue:
        with worker(queue, mail_server, tmp_path / "first.log") as first:
            # The act queues the outbox task on commit, as every act that writes a message does.
            assert tell() == 3
            run_outbox_until(lambda: slow_mail.hanging_on(mail_server))
            taken = slow_mail.hanging_on(mail_server)
            kill(first)

        ids = {outbox.message_id(message): message.pk for message in OutboxMessage.objects.all()}
        assert len(ids) == 3 and taken in ids
        dead = OutboxMessage.objects.get(pk=ids[taken])
        assert dead.state == OutboxState.SENDING and dead.attempts == 1 and dead.sent_at is None
        assert [mail["Message-ID"] for mail in slow_mail.received(mail_server)] == [taken]
        assert outbox.claim(dead.pk, timezone.now()) is None
        wait_until(lock_free, timeout=5, failure="the killed worker still holds the outbox task's lock")

        slow_mail.release(mail_server)
        with worker(queue, mail_server, tmp_path / "second.log"):
            run_outbox_until(all_sent)
        # The act repeated (a retried request, a second click) tells nobody again.
        assert tell() == 0

    mails = slow_mail.received(mail_server)
    # The mail server got the message twice, as one message: the same Message-ID, which receiving
    # mail systems deduplicate on. Every other message went once; none was lost.
    assert Counter(mail["Message-ID"] for mail in mails) == Counter({**dict.fromkeys(ids, 1), taken: 2})
    copies = [(mail["To"], mail["Subject"]) for mail in mails if mail["Message-ID"] == taken]
    assert copies[0] == copies[1] == (dead.address, dead.subject)
    rows = {m.pk: m for m in OutboxMessage.objects.all()}
    assert all(row.state == OutboxState.SENT for row in rows.values())
    assert {pk: rows[pk].attempts for pk in ids.values()} == {
        pk: 2 if pk == dead.pk else 1 for pk in ids.values()
    }
    assert rows[dead.pk].sent_at >= dead.lease_until
    # In the app, each person has the notice once.
    assert sorted(Notification.objects.values_list("user_id", flat=True)) == sorted(p.pk for p in people)
