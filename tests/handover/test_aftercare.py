"""Aftercare: the successors and the manager ask the former employee, who answers through a personal
link once their normal login has ended; the asker marks it solved; reminders and escalation; HR
extends the support period; the link stops working when the period ends or the case closes."""

import datetime as dt
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from handover import services
from handover.aftercare_links import personal_link
from handover.errors import HandoverError
from handover.models import AftercareQuestion, Departure, EventKind, NoticeKind, Notification, State
from handover.notifications import outbox
from handover.services.reminding import reminders_send
from tests.conftest import advance
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def aftercare_page(departure):
    return reverse("handover:case_aftercare", args=[departure.pk])


def ask(client, departure, **data):
    product = departure.modules.get(kind="product")
    form = {"module": product.pk, "question": "Where is the supplier price list?", **data}
    return client.post(aftercare_page(departure), form)


def link_in(message) -> str:
    return re.search(r"http://[^\s]+/aftercare/[^\s/]+/", message.body).group(0)


def test_a_successor_asks_the_former_employee_answers_through_the_link_and_the_asker_marks_it_solved(
    client, people, make_case
):
    departure = make_case(State.AFTERCARE)
    client.force_login(people.successor_a)
    assert ask(client, departure).status_code == 302
    question = AftercareQuestion.objects.get()
    assert question.asker == people.successor_a and question.module.kind == "product"
    assert departure.events.filter(kind=EventKind.QUESTION_ASKED, actor=people.successor_a).exists()
    outbox.deliver_due()
    [asked] = [m for m in mail.outbox if "Where is the supplier price list?" in m.body]
    assert asked.to == [people.leaver.email]
    assert "Where is the supplier price list?" in asked.body
    link = link_in(asked).removeprefix("http://127.0.0.1:8000")

    # The former employee needs no login: the link opens their questions, and only theirs.
    client.logout()
    # The link's token moves into the session: the page's own address never carries it.
    opened = client.get(link)
    answer_page = reverse("handover:aftercare_answer")
    assert opened.status_code == 302 and opened["Location"] == answer_page
    page = client.get(answer_page).content.decode()
    assert "Where is the supplier price list?" in page and departure.number in page
    response = client.post(answer_page, {"question": question.pk, "answer": "Shared drive, /suppliers/2026."})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer == "Shared drive, /suppliers/2026." and question.answered_at is not None
    answered = departure.events.get(kind=EventKind.QUESTION_ANSWERED)
    assert answered.actor == people.leaver
    told = Notification.objects.get(user=people.successor_a, kind=NoticeKind.ITEM_ANSWERED)
    assert "Shared drive" in told.body and told.link == aftercare_page(departure)

    # Only the asker marks it solved; then it leaves the former employee's page.
    client.force_login(people.successor_b)
    solve = reverse("handover:question_solved", args=[departure.pk, question.pk])
    assert client.post(solve).status_code == 403
    client.force_login(people.successor_a)
    client.post(solve)
    question.refresh_from_db()
    assert question.solved_at is not None
    client.logout()
    assert "No question waits for you" in client.get(link, follow=True).content.decode()


def test_a_refused_question_keeps_what_was_typed_and_nothing_is_asked(client, people, make_case):
    departure = make_case(State.AFTERCARE)
    client.force_login(people.manager)
    orders_item = departure.modules.get(kind="orders").items.first()
    page = ask(client, departure, item=orders_item.pk, question="Kept as typed").content.decode()
    assert "Choose an item of the chosen module, or none." in page and "Kept as typed" in page
    assert not AftercareQuestion.objects.exists()


@pytest.mark.parametrize("role", ["hr", "leaver", "head"])
def test_only_successors_and_the_manager_ask(client, people, make_case, role):
    departure = make_case(State.AFTERCARE)
    client.force_login(getattr(people, role))
    assert client.get(aftercare_page(departure)).status_code == 200
    assert ask(client, departure).status_code == 403
    assert not AftercareQuestion.objects.exists()


def test_before_aftercare_nobody_asks_yet(client, people, make_case):
    departure = make_case(State.SIGNED_OFF)
    client.force_login(people.successor_a)
    page = client.get(aftercare_page(departure)).content.decode()
    assert "during the support period" in page and 'name="question"' not in page
    with pytest.raises(HandoverError, match="during the support period"):
        services.question_ask(
            actor=people.successor_a,
            departure=departure,
            module_id=departure.modules.first().pk,
            question="Early?",
        )


def test_the_normal_login_ends_after_the_last_day_and_the_login_page_says_so(client, people, make_case):
    departure = make_case(State.AFTERCARE)
    client.force_login(people.leaver)
    assert Session.objects.exists()
    the_day_after = departure.last_working_day + timedelta(days=1)
    assert services.former_logins_end(departure.last_working_day) == 0
    assert services.former_logins_end(the_day_after) == 1
    people.leaver.refresh_from_db()
    assert not people.leaver.is_active
    assert not Session.objects.exists()
    assert departure.events.filter(kind=EventKind.LOGIN_ENDED, actor=None).count() == 1
    assert services.former_logins_end(the_day_after) == 0

    client.logout()
    login = reverse("login")
    # The login page says so to everyone: it never tells whether a password was right.
    assert "Your Handover login ended with your last working day" in client.get(login).content.decode()
    right = client.post(login, {"username": "leaver", "password": PASSWORD}).content.decode()
    wrong = client.post(login, {"username": "leaver", "password": "not-the-password"}).content.decode()
    assert (
        "enter a correct username and password" in right and "enter a correct username and password" in wrong
    )
    assert "_auth_user_id" not in client.session

    # A case still being handed over after its last day keeps the leaver's login (they still act
    # and sign); the login ends once it is signed off.
    late = make_case(State.TRIAL_RUN, employee=people.stranger)
    assert services.former_logins_end(late.last_working_day + timedelta(days=1)) == 0
    people.stranger.refresh_from_db()
    assert people.stranger.is_active


def test_the_former_employee_answers_after_their_login_ended_and_is_reminded_then_the_manager(
    people, make_case, settings
):
    departure = make_case(State.AFTERCARE)
    services.former_logins_end(departure.last_working_day + timedelta(days=1))
    question = services.question_ask(
        actor=people.successor_a,
        departure=departure,
        module_id=departure.modules.get(kind="product").pk,
        question="Which courier for Hainan?",
    )
    asked = question.asked_at
    # The inactive former employee is still told (by mail, with the link), and nobody else.
    assert Notification.objects.filter(kind=NoticeKind.AFTERCARE, user=people.leaver).count() == 1
    with time_machine.travel(asked + timedelta(days=1, minutes=1), tick=False):
        assert reminders_send() == 1
        assert reminders_send() == 0
    with time_machine.travel(asked + timedelta(days=2, minutes=1), tick=False):
        assert reminders_send() == 1
    with time_machine.travel(asked + timedelta(days=3, minutes=1), tick=False):
        reminders_send()
    reminded = Notification.objects.filter(kind=NoticeKind.AFTERCARE, user=people.leaver)
    assert reminded.count() == 4
    assert all("/aftercare/" in notice.link for notice in reminded)
    [escalated] = Notification.objects.filter(kind=NoticeKind.ESCALATION, user=people.manager)
    assert "has not answered a question" in escalated.title

    services.question_answer(
        actor=people.leaver, departure=departure, question_id=question.pk, answer="SF Express."
    )
    with time_machine.travel(asked + timedelta(days=5), tick=False):
        assert reminders_send() == 0


def test_the_link_stops_working_after_the_support_period_and_once_the_case_closes(client, people, make_case):
    departure = make_case(State.AFTERCARE)
    link = personal_link(departure.pk, people.leaver.pk)
    assert client.get(link, follow=True).status_code == 200
    # Another person's id in a link, or a link someone altered, opens nothing.
    assert client.get(personal_link(departure.pk, people.successor_a.pk), follow=True).status_code == 404
    assert client.get(link[:-3] + "xx/").status_code == 404
    # Without a link opened first, the page is not found.
    client.session.flush()
    assert client.get(reverse("handover:aftercare_answer")).status_code == 404
    with time_machine.travel(
        dt.datetime.combine(
            departure.support_until + timedelta(days=1), dt.time(10), tzinfo=timezone.get_current_timezone()
        )
    ):
        response = client.get(link, follow=True)
        assert response.status_code == 410 and "This link no longer works" in response.content.decode()
    departure = advance(departure, people, State.CLOSED)
    assert client.get(link, follow=True).status_code == 410


def test_hr_extends_the_support_period_with_a_reason(client, people, make_case):
    departure = make_case(State.AFTERCARE)
    until = departure.support_until + timedelta(days=14)
    client.force_login(people.manager)
    data = {"act": "extend", "until": until.isoformat(), "reason": "Peak season"}
    assert client.post(aftercare_page(departure), data).status_code == 403
    client.force_login(people.hr)
    page = client.post(aftercare_page(departure), {**data, "until": departure.support_until.isoformat()})
    assert "Choose a day after the current end of the support period" in page.content.decode()
    assert "Peak season" in page.content.decode()
    assert client.post(aftercare_page(departure), data).status_code == 302
    departure = Departure.objects.get(pk=departure.pk)
    assert departure.support_until == until
    event = departure.events.get(kind=EventKind.SUPPORT_EXTENDED)
    assert event.actor == people.hr and "Peak season" in event.subject


def test_the_asker_has_a_to_do_until_they_say_whether_the_answer_solves_it(client, people, make_case):
    departure = make_case(State.AFTERCARE)
    product = departure.modules.get(kind="product")
    question = services.question_ask(
        actor=people.successor_a,
        departure=departure,
        module_id=product.pk,
        question="Where is the price list?",
    )
    client.force_login(people.successor_a)
    to_do = "Read 1 answer of the former employee and say whether it solves your question"
    assert to_do not in client.get(reverse("handover:my_work")).content.decode()
    services.question_answer(
        actor=people.leaver, departure=departure, question_id=question.pk, answer="Drive."
    )
    work = client.get(reverse("handover:my_work")).content.decode()
    assert to_do in work and reverse("handover:case_aftercare", args=[departure.pk]) in work
    # Only the asker: the manager, who did not ask, has nothing to read.
    client.force_login(people.manager)
    assert "Read 1 answer" not in client.get(reverse("handover:my_work")).content.decode()
    services.question_solve(actor=people.successor_a, departure=departure, question_id=question.pk)
    client.force_login(people.successor_a)
    assert "Read 1 answer" not in client.get(reverse("handover:my_work")).content.decode()


def test_questions_reach_the_private_address_the_former_employee_gave_until_the_case_closes(
    client, people, make_case
):
    departure = make_case(State.SIGNED_OFF)
    page = aftercare_page(departure)
    client.force_login(people.leaver)
    refused = client.post(page, {"act": "contact", "contact-email": "not an address"}, follow=True)
    assert "Enter a valid email address." in refused.content.decode()
    client.post(page, {"act": "contact", "contact-email": "leo.home@example.org"})
    departure.refresh_from_db()
    assert departure.aftercare_email == "leo.home@example.org"
    event = departure.events.get(kind=EventKind.AFTERCARE_CONTACT)
    assert event.actor == people.leaver and "leo.home" not in event.subject
    # Nobody else gives it, or reads it.
    for other in (people.successor_a, people.manager, people.hr):
        client.force_login(other)
        assert "leo.home@example.org" not in client.get(page).content.decode()
        assert client.post(page, {"act": "contact", "contact-email": "x@example.org"}).status_code == 403

    departure = advance(departure, people, State.AFTERCARE)
    services.former_logins_end(departure.last_working_day + timedelta(days=1))
    services.question_ask(
        actor=people.successor_a,
        departure=departure,
        module_id=departure.modules.get(kind="product").pk,
        question="Where is the supplier price list?",
    )
    outbox.deliver_due()
    [asked] = [m for m in mail.outbox if "Where is the supplier price list?" in m.body]
    assert asked.to == ["leo.home@example.org"]

    # Through the personal link, the former employee changes it (their login has ended).
    client.logout()
    client.get(link_in(asked).removeprefix("http://127.0.0.1:8000"))
    client.post(
        reverse("handover:aftercare_answer"), {"act": "contact", "contact-email": "leo.new@example.org"}
    )
    departure.refresh_from_db()
    assert departure.aftercare_email == "leo.new@example.org"

    Departure.objects.filter(pk=departure.pk).update(support_until=timezone.localdate() - timedelta(days=1))
    services.departure_close(actor=people.hr, departure=departure)
    departure.refresh_from_db()
    assert departure.aftercare_email == ""


def test_hr_ends_the_links_sent_so_far_and_the_next_mail_carries_one_that_works(client, people, make_case):
    departure = make_case(State.AFTERCARE)
    product = departure.modules.get(kind="product")

    def ask_and_link(text: str) -> str:
        services.question_ask(
            actor=people.successor_a, departure=departure, module_id=product.pk, question=text
        )
        outbox.deliver_due()
        [asked] = [m for m in mail.outbox if text in m.body]
        return link_in(asked).removeprefix("http://127.0.0.1:8000")

    astray = ask_and_link("Where is the supplier price list?")
    client.force_login(people.hr)
    client.post(aftercare_page(departure), {"act": "end_links"})
    assert departure.events.filter(kind=EventKind.LINKS_ENDED, actor=people.hr).exists()
    for other in (people.manager, people.successor_a, people.leaver, people.head):
        client.force_login(other)
        assert client.post(aftercare_page(departure), {"act": "end_links"}).status_code == 403
    client.logout()
    client.get(astray)
    assert client.get(reverse("handover:aftercare_answer")).status_code == 410
    fresh = ask_and_link("Who approves refunds above 200?")
    client.get(fresh)
    page = client.get(reverse("handover:aftercare_answer"))
    assert page.status_code == 200 and "Who approves refunds above 200?" in page.content.decode()


def test_a_stray_link_never_shows_the_private_address_and_ending_the_links_drops_it(
    client, people, make_case
):
    from handover.models import Channel, OutboxMessage, OutboxState

    departure = make_case(State.AFTERCARE)
    services.aftercare_contact_set(actor=people.leaver, departure=departure, email="leo.home@example.org")
    client.get(personal_link(departure.pk, people.leaver.pk))
    page = client.get(reverse("handover:aftercare_answer")).content.decode()
    assert "leo.home@example.org" not in page and "A private address is saved" in page
    # A mail that failed for good shows HR neither the address nor the reason's copy of it.
    OutboxMessage.objects.create(
        key="failed-aftercare",
        channel=Channel.MAIL,
        kind=NoticeKind.AFTERCARE,
        user=people.leaver,
        address="leo.home@example.org",
        departure=departure,
        subject="A question",
        text="...",
        state=OutboxState.FAILED,
        attempts=5,
        last_error="SMTPRecipientsRefused: leo.home@example.org refused",
        not_before=timezone.now(),
    )
    client.force_login(people.hr)
    failed = client.get(reverse("handover:outbox_failed")).content.decode()
    assert "leo.home" not in failed and "the former employee" in failed and "refused" in failed
    client.post(aftercare_page(departure), {"act": "end_links"})
    departure.refresh_from_db()
    assert departure.aftercare_email == ""

    # Once closed, ending the links is refused with a message, not an error page.
    Departure.objects.filter(pk=departure.pk).update(support_until=timezone.localdate() - timedelta(days=1))
    services.departure_close(actor=people.hr, departure=departure)
    assert OutboxMessage.objects.get(key="failed-aftercare").address == ""
    refused = client.post(aftercare_page(departure), {"act": "end_links"}, follow=True)
    assert refused.status_code == 200
    assert "Personal links are sent after the sign-off, until the case closes." in refused.content.decode()


def test_an_answer_that_does_not_solve_it_is_asked_again(client, people, make_case):
    departure = make_case(State.AFTERCARE)
    product = departure.modules.get(kind="product")
    question = services.question_ask(
        actor=people.successor_a,
        departure=departure,
        module_id=product.pk,
        question="Where is the price list?",
    )
    services.question_answer(
        actor=people.leaver, departure=departure, question_id=question.pk, answer="Drive."
    )
    client.force_login(people.manager)
    again = reverse("handover:question_again", args=[departure.pk, question.pk])
    assert client.post(again, {"follow_up": "Which folder?"}).status_code == 403
    client.force_login(people.successor_a)
    refused = client.post(again, {"follow_up": "  "}, follow=True).content.decode()
    assert "Say what is still unclear." in refused
    client.post(again, {"follow_up": "Which folder on the drive?"})
    question.refresh_from_db()
    assert question.answered_at is None and question.answer == ""
    assert question.question.endswith("Drive.\n\nSam Successor: Which folder on the drive?")
    outbox.deliver_due()
    assert [m.to for m in mail.outbox if "Which folder on the drive?" in m.body] == [[people.leaver.email]]
    # Back to waiting for the former employee: no more to-do for the asker.
    assert "Read 1 answer" not in client.get(reverse("handover:my_work")).content.decode()
