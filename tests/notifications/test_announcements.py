"""The internal announcement: HR reviews what Handover wrote, picks who reads it and the chat groups,
sends it once; everyone it reaches is told once, in their language, and the timeline keeps it."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Department, User
from handover import services
from handover.models import Announcement, EventKind, Notification, OutboxMessage, State
from handover.services import announcements
from handover.tasks import announce_departure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def page(client, departure):
    return reverse("handover:case_announcement", args=[departure.pk])


def send(client, departure, **data):
    form = {"text": "Leo leaves; Sam takes the listings.", "contact": "Mia", "audience": "case", **data}
    return client.post(page(client, departure), form)


def test_starting_the_preparation_leads_hr_to_review_the_announcement_and_tells_nobody(
    client, people, make_case, django_capture_on_commit_callbacks
):
    departure = make_case()
    client.force_login(people.hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("handover:case_transition", args=[departure.pk, "start_preparing"]))
    assert response["Location"] == page(client, departure)
    assert not Notification.objects.exists() and not mail.outbox
    review = client.get(page(client, departure)).content.decode()
    # The draft is written from the case: who leaves when, who takes over what, whom to contact.
    assert "Leo Leaver (Operator) is leaving; their last working day is" in review
    assert "Sam Successor" in review and "Bea Successor" in review
    assert "Mia Manager" in review
    overview = client.get(reverse("handover:case_detail", args=[departure.pk])).content.decode()
    assert "Review and send the announcement of the departure" in overview


def test_hr_sees_whom_it_reaches_then_sends_it_once_to_the_department(
    client, people, make_case, django_capture_on_commit_callbacks
):
    departure = make_case(State.PREPARING, announced=False)
    colleague = UserFactory(username="colleague", department=people.leaver.department, language="zh-hans")
    UserFactory(username="elsewhere", department=Department.objects.create(name="Warehouse"))
    UserFactory(username="gone", department=people.leaver.department, is_active=False)
    client.force_login(people.hr)
    preview = send(client, departure, audience="department", preview="1").content.decode()
    # Manager, HR owner, two successors, the head and one colleague: the leaver is never told.
    assert "It will reach 6 people" in preview
    assert not Announcement.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert send(client, departure, audience="department").status_code == 302
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"hr", "manager", "succ_a", "succ_b", "head", "colleague"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email
        for u in [people.hr, people.manager, people.successor_a, people.successor_b, people.head, colleague]
    )
    to_colleague = next(m for m in mail.outbox if m.to == [colleague.email])
    assert "离职" in to_colleague.subject and "Sam takes the listings." in to_colleague.body
    assert "联系人：Mia" in to_colleague.body
    # Someone not on the case reads it in their notifications, not on a case they cannot open.
    assert Notification.objects.get(user=colleague).link == reverse("handover:notifications")
    assert Notification.objects.get(user=people.manager).link.startswith(
        reverse("handover:case_detail", args=[departure.pk])
    )
    event = departure.events.get(kind=EventKind.ANNOUNCED)
    assert event.actor == people.hr and "the department (6 people)" in event.subject

    # Sent once: the page shows what went out, a second send is refused, a second run tells nobody.
    shown = client.get(page(client, departure)).content.decode()
    assert "Sam takes the listings." in shown and "Send the announcement" not in shown
    with django_capture_on_commit_callbacks(execute=True):
        send(client, departure, text="Again")
    assert announce_departure(departure.pk) == 0
    assert Notification.objects.count() == 6 and len(mail.outbox) == 6
    assert departure.events.filter(kind=EventKind.ANNOUNCED).count() == 1


def test_the_whole_company_is_told_in_chunks_each_person_once(
    people, make_case, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(announcements, "CHUNK", 3)
    departure = make_case(State.EXECUTING, announced=False)
    for n in range(7):
        UserFactory(username=f"staff{n}")
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.announcement_send(
            actor=people.hr, departure=departure, text="Leo leaves.", contact="", audience="company"
        )
    # Everyone active but the leaver, the 7 new staff included.
    everyone = User.objects.filter(is_active=True).exclude(pk=people.leaver.pk)
    assert sent.people == everyone.count() >= 13
    told = Notification.objects.filter(kind="announcement")
    assert set(told.values_list("user_id", flat=True)) == set(everyone.values_list("pk", flat=True))
    assert services.departure_announce(departure_id=departure.pk) == 0
    assert OutboxMessage.objects.filter(kind="announcement").count() == everyone.count()


def test_chosen_departments_need_a_department_and_a_refusal_sends_nothing(
    client, people, make_case, django_capture_on_commit_callbacks
):
    departure = make_case(State.PREPARING, announced=False)
    client.force_login(people.hr)
    response = send(client, departure, audience="departments", text="Kept as typed")
    assert "Choose at least one department." in response.content.decode()
    assert "Kept as typed" in response.content.decode()
    assert not Announcement.objects.exists() and not departure.events.filter(kind="announced").exists()
    warehouse = Department.objects.create(name="Warehouse")
    picker = UserFactory(username="picker", department=warehouse)
    with django_capture_on_commit_callbacks(execute=True):
        send(client, departure, audience="departments", departments=[warehouse.pk])
    sent = Announcement.objects.get()
    assert list(sent.departments.all()) == [warehouse] and sent.people == 6
    assert "Warehouse (6 people)" in departure.events.get(kind="announced").subject
    assert Notification.objects.filter(user=picker).exists()
    assert Notification.objects.count() == 6


@pytest.mark.parametrize("role", ["manager", "leaver", "successor_a", "head"])
def test_others_on_the_case_read_it_and_may_not_send_it(client, people, make_case, role):
    departure = make_case(State.PREPARING, announced=False)
    client.force_login(getattr(people, role))
    assert "not been announced yet" in client.get(page(client, departure)).content.decode()
    assert send(client, departure).status_code == 403
    services.announcement_send(
        actor=people.hr, departure=departure, text="Leo leaves.", contact="", audience="case"
    )
    assert "Leo leaves." in client.get(page(client, departure)).content.decode()


def test_before_the_preparation_hr_reads_why_it_cannot_be_sent_yet(client, people, make_case):
    departure = make_case()
    client.force_login(people.hr)
    body = client.get(page(client, departure)).content.decode()
    assert "announced once the preparation has started" in body
    assert send(client, departure).status_code == 200
    assert not Announcement.objects.exists()


def test_a_department_that_was_removed_meanwhile_is_refused_whole(people, make_case):
    from handover.errors import HandoverError

    departure = make_case(State.PREPARING, announced=False)
    with pytest.raises(HandoverError, match="no longer exists"):
        services.announcement_send(
            actor=people.hr,
            departure=departure,
            text="Leo leaves.",
            contact="",
            audience="departments",
            department_ids=[987654],
        )
    assert not Announcement.objects.exists()
