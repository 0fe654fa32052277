"""Every date reminded at its time, once; work that waits escalates to the manager, then to the HR
owner; the template's plan and each person's choices are followed."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from handover import services
from handover.models import (
    ChecklistItem,
    ChecklistTemplate,
    NoticeKind,
    NoticePreference,
    Notification,
    OutboxMessage,
    State,
    Timing,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def scan(moment: dt.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return services.reminders_send()


def told(kind: str | None = None) -> list[tuple[int, str]]:
    notices = Notification.objects.exclude(kind=NoticeKind.INVITATION).order_by("pk")
    if kind:
        notices = notices.filter(kind=kind)
    return list(notices.values_list("user_id", "title"))


@pytest.fixture
def executing(make_case, people, settings):
    """A case in execution whose first product item is due on 2026-12-10; no other dates."""
    settings.TIME_ZONE = "Asia/Shanghai"
    with time_machine.travel(at(dt.date(2026, 12, 1), 10), tick=False):
        departure = make_case(State.EXECUTING, last_working_day=dt.date(2027, 1, 29))
    ChecklistItem.objects.filter(module__departure=departure).update(due_date=None)
    item = departure.modules.get(kind="product").items.order_by("position").first()
    ChecklistItem.objects.filter(pk=item.pk).update(due_date=dt.date(2026, 12, 10))
    Notification.objects.all().delete()
    return departure, item


def test_a_due_date_is_reminded_the_day_before_and_on_the_day_once_each(executing, people):
    _departure, item = executing
    assert scan(at(dt.date(2026, 12, 9), 8, 59)) == 0
    assert scan(at(dt.date(2026, 12, 9), 9, 0)) == 1
    assert told() == [(people.leaver.pk, f"“{item.title}” is due tomorrow (Dec. 10, 2026)")]
    assert scan(at(dt.date(2026, 12, 9), 15, 0)) == 0
    assert scan(at(dt.date(2026, 12, 10), 9, 5)) == 1
    assert told()[-1] == (people.leaver.pk, f"“{item.title}” is due today")
    assert scan(at(dt.date(2026, 12, 10), 9, 10)) == 0
    # Mail too (the default), each once.
    assert OutboxMessage.objects.filter(kind=NoticeKind.DUE, address=people.leaver.email).count() == 2


def test_a_late_item_reminds_then_escalates_to_the_manager_then_to_hr(executing, people):
    departure, item = executing
    scan(at(dt.date(2026, 12, 10), 9))
    Notification.objects.all().delete()
    assert scan(at(dt.date(2026, 12, 11), 9)) == 1
    assert told()[-1][0] == people.leaver.pk
    # The template's default: the manager after 2 more days, the HR owner after 4.
    assert scan(at(dt.date(2026, 12, 13), 8)) == 0
    assert scan(at(dt.date(2026, 12, 13), 9)) == 1
    assert told(NoticeKind.ESCALATION) == [
        (people.manager.pk, f"{departure.number}: “{item.title}” is 3 days late")
    ]
    assert scan(at(dt.date(2026, 12, 15), 9)) == 1
    assert [user for user, _title in told(NoticeKind.ESCALATION)] == [people.manager.pk, people.hr.pk]
    assert scan(at(dt.date(2026, 12, 20), 9)) == 0
    # Once handed over, nothing more.
    services.item_hand_over(actor=people.leaver, departure=departure, item_id=item.pk)
    Notification.objects.all().delete()
    assert scan(at(dt.date(2026, 12, 25), 9)) == 0


def test_the_templates_plan_sets_when(executing, people):
    departure, item = executing
    ChecklistTemplate.objects.filter(pk=departure.template_id).update(
        reminder_due_days="3", escalate_after_days=1
    )
    assert departure.template_id is not None
    assert scan(at(dt.date(2026, 12, 7), 9)) == 1
    assert told()[-1][1] == f"“{item.title}” is due in 3 days (Dec. 10, 2026)"
    assert scan(at(dt.date(2026, 12, 10), 9)) == 0  # no "due today" in this plan
    scan(at(dt.date(2026, 12, 11), 9))
    assert scan(at(dt.date(2026, 12, 12), 9)) == 1
    assert told(NoticeKind.ESCALATION)[0][0] == people.manager.pk


def test_the_meeting_is_reminded_a_day_and_an_hour_before_and_a_late_scan_sends_only_what_is_true(
    make_case, people, settings
):
    settings.TIME_ZONE = "Asia/Shanghai"
    start = at(dt.date(2026, 12, 3), 10)
    with time_machine.travel(at(dt.date(2026, 12, 1), 9), tick=False):
        departure = make_case(State.PREPARING)
        services.meeting_schedule(
            actor=people.manager, departure=departure, scheduled_at=start, location="R3"
        )
    invited = set(departure.meeting.participants.values_list("user_id", flat=True))
    assert scan(start - dt.timedelta(hours=24, minutes=1)) == 0
    assert scan(start - dt.timedelta(hours=24)) == len(invited)
    assert {user for user, _ in told(NoticeKind.UPCOMING)} == invited
    assert scan(start - dt.timedelta(hours=23)) == 0
    assert scan(start - dt.timedelta(minutes=50)) == len(invited)
    assert scan(start - dt.timedelta(minutes=40)) == 0
    assert scan(start + dt.timedelta(minutes=5)) == 0
    # Moved to the next day, scanned first 30 minutes before: only the "an hour before" one goes.
    Notification.objects.all().delete()
    later = start + dt.timedelta(days=1)
    services.meeting_schedule(actor=people.manager, departure=departure, scheduled_at=later, location="R3")
    Notification.objects.all().delete()
    assert scan(later - dt.timedelta(minutes=30)) == len(invited)
    assert all(title.startswith("Coming up: the handover meeting") for _u, title in told(NoticeKind.UPCOMING))


def test_the_last_day_lists_each_persons_open_work_7_3_and_1_days_before(executing, people):
    departure, _item = executing
    last = departure.last_working_day
    last_day = Notification.objects.filter(key__startswith="last_day:")
    scan(at(last - dt.timedelta(days=8), 9))
    assert not last_day.exists()
    scan(at(last - dt.timedelta(days=7), 9))
    leaver = last_day.get(user=people.leaver)
    assert leaver.title == f"{people.leaver.name} leaves in 7 days (Jan. 29, 2027): what is still yours to do"
    assert "- Hand over" in leaver.body
    # Everyone with open work on the case hears it, each about their own.
    assert set(last_day.values_list("user_id", flat=True)) >= {people.leaver.pk}
    scan(at(last - dt.timedelta(days=6), 9))
    assert last_day.count() == last_day.values("user_id").distinct().count()
    scan(at(last - dt.timedelta(days=3), 9))
    scan(at(last - dt.timedelta(days=1), 9))
    assert last_day.filter(user=people.leaver).count() == 3


def test_a_question_waiting_for_its_answer_reminds_the_leaver_then_escalates(executing, people):
    departure, item = executing
    ChecklistItem.objects.filter(pk=item.pk).update(due_date=None)
    with time_machine.travel(at(dt.date(2026, 12, 2), 11), tick=False):
        services.item_hand_over(actor=people.leaver, departure=departure, item_id=item.pk)
        services.item_return(actor=people.successor_a, departure=departure, item_id=item.pk, question="Who?")
    Notification.objects.all().delete()
    assert scan(at(dt.date(2026, 12, 3), 10, 59)) == 0
    assert scan(at(dt.date(2026, 12, 3), 11, 0)) == 1
    assert told(NoticeKind.WAITING)[0][0] == people.leaver.pk
    assert scan(at(dt.date(2026, 12, 5), 11, 0)) == 1
    assert told(NoticeKind.ESCALATION)[0][0] == people.manager.pk


def test_each_person_chooses_how_reminders_reach_them(executing, people):
    _departure, _item = executing
    NoticePreference.objects.create(user=people.leaver, kind=NoticeKind.DUE, timing=Timing.APP_ONLY)
    assert scan(at(dt.date(2026, 12, 9), 9)) == 1
    assert Notification.objects.filter(user=people.leaver, kind=NoticeKind.DUE).exists()
    assert not OutboxMessage.objects.filter(kind=NoticeKind.DUE).exists()


def test_a_second_scan_tells_nobody_again_even_right_after(executing, people):
    _departure, item = executing
    moment = at(dt.date(2026, 12, 9), 9)
    first = scan(moment)
    assert first == 1
    assert scan(moment) == 0
    assert Notification.objects.filter(key__startswith=f"due:{item.pk}:").count() == 1


def test_hr_sets_a_templates_reminders_and_a_wrong_offset_is_explained(client, people):
    template = ChecklistTemplate.objects.get(language="en", is_default=True)
    client.force_login(people.hr)
    url = reverse("handover:template_detail", args=[template.pk])
    fields = {
        "name": template.name,
        "language": "en",
        "is_default": "on",
        "reminder_due_days": "2, one",
        "reminder_last_day_days": "10, 5, 1",
        "reminder_meeting_hours": "48, 2",
        "escalate_after_days": "3",
    }
    data = {"save_template": "1", **{f"t-{name}": value for name, value in fields.items()}}
    page = client.post(url, data).content.decode()
    assert "Write up to five whole numbers separated by commas, e.g. 7, 3, 1." in page
    assert 'value="2, one"' in page
    template.refresh_from_db()
    assert template.reminder_due_days == "1, 0"
    data["t-reminder_due_days"] = "2"
    assert client.post(url, data).status_code == 302
    template.refresh_from_db()
    assert (template.reminder_due_days, template.escalate_after_days) == ("2", 3)
