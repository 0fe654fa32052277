"""The internal announcement of a departure: HR reviews the draft (what, when, who takes over what,
whom to contact), picks its audience and the chat groups, and sends it once. The people on the case
are always told; the rest of the audience is told by a task, in chunks, each person once."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from handover import formatting, places, policy
from handover.errors import HandoverError
from handover.models import Announcement, Audience, ChatChannel, Departure, EventKind, NoticeKind
from handover.notifications.notices import Notice, notify, post_to_chats

from ._base import access_for, facts_of, lock_case, record

# People told per transaction when the audience is large (a department, the whole company).
CHUNK = 500
TEXT_LIMIT = 5000


@dataclass(frozen=True)
class Draft:
    """What HR starts from: the announcement as Handover would write it, and whom to contact."""

    text: str
    contact: str


def announcement_draft(departure: Departure) -> Draft:
    """The announcement written from the case, in the active language: who leaves when, who
    supervises, who takes over each module; the manager is whom to contact."""
    modules = list(departure.modules.select_related("successor"))
    text = render_to_string("handover/email/announcement.txt", {"departure": departure, "modules": modules})
    manager = departure.manager
    contact = f"{manager.name} <{manager.email}>" if manager.email else manager.name
    return Draft(text=text.strip(), contact=contact)


def case_people(departure: Departure) -> dict[int, User]:
    """The people on the case the policy says every announcement reaches, those still active."""
    head = departure.department.head_id if departure.department is not None else None
    told = policy.always_told_of_announcement(
        employee_id=departure.employee_id,
        manager_id=departure.manager_id,
        hr_owner_id=departure.hr_owner_id,
        successor_ids=list(departure.modules.values_list("successor_id", flat=True)),
        head_id=head,
    )
    return {user.pk: user for user in User.objects.filter(pk__in=told, is_active=True)}


def audience_people(departure: Departure, audience: str, department_ids: Iterable[int]) -> QuerySet[User]:
    """Everyone active the chosen audience reaches besides the people on the case."""
    everyone = User.objects.filter(is_active=True).exclude(pk=departure.employee_id)
    if audience == Audience.COMPANY:
        return everyone
    if audience == Audience.DEPARTMENT and departure.department_id is not None:
        return everyone.filter(department_id=departure.department_id)
    if audience == Audience.DEPARTMENTS:
        return everyone.filter(department_id__in=list(department_ids))
    return everyone.none()


def announcement_reach(departure: Departure, audience: str, department_ids: Iterable[int]) -> int:
    """How many people an announcement to this audience tells (the people on the case included)."""
    on_case = case_people(departure)
    others = audience_people(departure, audience, department_ids).exclude(pk__in=list(on_case))
    return len(on_case) + others.count()


def announcement_send(
    *,
    actor: User,
    departure: Departure,
    text: str,
    contact: str,
    audience: str,
    department_ids: Iterable[int] = (),
    chat_channel_ids: Iterable[int] = (),
) -> Announcement:
    """HR sends the announcement as reviewed, once; the task that tells everyone follows the commit."""
    from handover.tasks import announce_departure

    department_ids = sorted(set(department_ids))
    chat_channel_ids = sorted(set(chat_channel_ids))
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        policy.case_decision(facts_of(departure), access, "announce").enforce()
        text = text.strip()
        if not text:
            raise HandoverError(_("Write what the announcement says."))
        if len(text) > TEXT_LIMIT:
            raise HandoverError(
                _("An announcement is at most %(limit)d characters long.") % {"limit": TEXT_LIMIT}
            )
        if audience not in Audience.values:
            raise HandoverError(_("Choose who reads the announcement."))
        if audience == Audience.DEPARTMENT and departure.department_id is None:
            raise HandoverError(_("The employee has no department: choose departments or another audience."))
        departments = list(Department.objects.filter(pk__in=department_ids))
        if len(departments) != len(department_ids):
            raise HandoverError(_("One of the chosen departments no longer exists."))
        if audience == Audience.DEPARTMENTS and not departments:
            raise HandoverError(_("Choose at least one department."))
        groups = list(
            ChatChannel.objects.filter(pk__in=chat_channel_ids, announcements=True, owner__isnull=True)
        )
        if len(groups) != len(chat_channel_ids):
            raise HandoverError(_("One of the chosen chat groups no longer takes announcements."))
        people = announcement_reach(departure, audience, department_ids)
        announcement = Announcement.objects.create(
            departure=departure,
            text=text,
            contact=contact.strip()[:300],
            audience=audience,
            people=people,
            sent_by=actor,
            sent_by_name=actor.name,
        )
        if audience == Audience.DEPARTMENTS:
            announcement.departments.set(departments)
        announcement.chat_channels.set(groups)
        record(departure, actor, EventKind.ANNOUNCED, subject=_told(announcement, departments, groups))
        case_id = departure.pk
        transaction.on_commit(lambda: announce_departure.delay(case_id))
    return announcement


def _told(announcement: Announcement, departments: list[Department], groups: list[ChatChannel]) -> str:
    """Whom the timeline says the announcement went to, in the sender's language."""
    audience = {
        Audience.CASE: gettext("the people on the case"),
        Audience.DEPARTMENT: gettext("the department"),
        Audience.DEPARTMENTS: ", ".join(d.name for d in departments),
        Audience.COMPANY: gettext("the whole company"),
    }[Audience(announcement.audience)]
    people = ngettext("%(n)d person", "%(n)d people", announcement.people) % {"n": announcement.people}
    return ", ".join([f"{audience} ({people})", *(g.name for g in groups)])


def departure_announce(*, departure_id: int) -> int:
    """Tell everyone the sent announcement reaches, each once, in chunks, and post it to the chosen
    chat groups; run again (a retry, a second worker), it tells nobody twice. How many were told."""
    announcement = (
        Announcement.objects.select_related("departure__department__head", "departure__manager")
        .filter(departure_id=departure_id)
        .first()
    )
    if announcement is None:
        return 0
    departure = announcement.departure
    on_case = case_people(departure)
    key = f"announce:{departure.pk}"

    def compose(user: User | None = None) -> Notice:
        # The people on the case open the case; everyone else reads it in their notifications.
        on_it = user is not None and user.pk in on_case
        link = places.case_url(departure.pk) if on_it else reverse("handover:notifications")
        body = announcement.text
        if announcement.contact:
            body += "\n\n" + gettext("Whom to contact: %(contact)s") % {"contact": announcement.contact}
        return Notice(
            title=gettext("%(name)s is leaving on %(day)s")
            % {"name": departure.employee_name, "day": formatting.day(departure.last_working_day)},
            body=body,
            link=link,
        )

    told = 0
    with transaction.atomic():
        told += notify(
            kind=NoticeKind.ANNOUNCEMENT,
            users=on_case.values(),
            case_id=departure.pk,
            key=key,
            compose=compose,
        )
    others = audience_people(
        departure, announcement.audience, announcement.departments.values_list("pk", flat=True)
    ).exclude(pk__in=list(on_case))
    ids = list(others.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            chunk = User.objects.filter(pk__in=ids[start : start + CHUNK])
            told += notify(
                kind=NoticeKind.ANNOUNCEMENT, users=chunk, case_id=departure.pk, key=key, compose=compose
            )
    with transaction.atomic():
        post_to_chats(
            groups=announcement.chat_channels.all(),
            purpose="announcements",
            case_id=departure.pk,
            language=departure.language,
            key=key,
            compose=compose,
        )
    return told
