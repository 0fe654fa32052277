import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from accounts.models import User
from handover import guards
from handover.errors import HandoverError
from handover.models import (
    ChecklistItem,
    ChecklistTemplate,
    Departure,
    EventKind,
    HandoverModule,
    ModuleKind,
)
from handover.models.checklist import MODULE_ORDER
from handover.models.departure import ACTIVE_STATES, OPEN_STATES
from handover.permissions import sync_case_permissions

from ._base import access_for, lock_case, record, require


def _check_people(
    *, employee: User, manager: User, successors: dict[str, User | None], hr_owner: User | None = None
) -> None:
    if hr_owner is not None and (
        hr_owner.pk == employee.pk or any(s is not None and s.pk == hr_owner.pk for s in successors.values())
    ):
        raise HandoverError(
            _("The HR owner cannot be the departing employee or a successor on the same case.")
        )
    if employee.pk == manager.pk:
        raise HandoverError(_("The manager cannot be the departing employee."))
    for successor in successors.values():
        if successor is None:
            continue
        if successor.pk == employee.pk:
            raise HandoverError(_("The departing employee cannot be their own successor."))
        if successor.pk == manager.pk:
            raise HandoverError(_("The manager signs off the handover and cannot also be a successor."))


EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def _template_for(language: str) -> ChecklistTemplate | None:
    templates = {t.language: t for t in ChecklistTemplate.objects.filter(is_default=True)}
    return templates.get(language) or templates.get(settings.LANGUAGE_CODE)


def departure_open(
    *,
    actor: User,
    employee: User,
    manager: User,
    successors: dict[str, User | None],
    reason_category: str,
    reason_text: str,
    notice_date: date,
    last_working_day: date,
    language: str,
    support_until: date | None = None,
) -> Departure:
    """HR opens a case; its checklist starts from the default template of the case's language."""
    if not (actor.is_hr and actor.has_perm("handover.add_departure")):
        raise PermissionDenied(_("Only HR can open a departure case."))
    if last_working_day < notice_date:
        raise HandoverError(_("The last working day cannot be before the notice date."))
    if support_until is not None and support_until < last_working_day:
        raise HandoverError(_("Aftercare cannot end before the last working day."))
    unknown = set(successors) - set(ModuleKind.values)
    if unknown or not successors:
        raise HandoverError(_("Choose at least one work module to hand over."))
    _check_people(employee=employee, manager=manager, successors=successors, hr_owner=actor)
    for day in (notice_date, last_working_day, support_until):
        if day is not None and not (EARLIEST <= day <= LATEST):
            raise HandoverError(_("Dates must lie between the years 2000 and 2100."))
    if Departure.objects.filter(employee=employee, state__in=ACTIVE_STATES).exists():
        raise HandoverError(_("%(name)s already has an open departure case.") % {"name": employee.name})

    with transaction.atomic():
        department = employee.department
        departure = Departure.objects.create(
            number=uuid.uuid4().hex[:20],
            employee=employee,
            hr_owner=actor,
            manager=manager,
            department=department,
            employee_name=employee.name,
            employee_title=employee.job_title,
            manager_name=manager.name,
            hr_owner_name=actor.name,
            department_name=department.name if department else "",
            reason_category=reason_category,
            reason_text=reason_text,
            notice_date=notice_date,
            last_working_day=last_working_day,
            support_until=support_until or Departure.default_support_until(last_working_day),
            language=language,
        )
        departure.number = f"HO-{departure.created_at:%Y}-{departure.pk:05d}"
        departure.save(update_fields=["number"])
        modules = HandoverModule.objects.bulk_create(
            HandoverModule(
                departure=departure,
                kind=kind,
                position=MODULE_ORDER[kind],
                successor=successor,
                successor_name=successor.name if successor else "",
            )
            for kind, successor in sorted(successors.items(), key=lambda pair: MODULE_ORDER[pair[0]])
        )
        _copy_template(departure, {m.kind: m for m in modules})
        sync_case_permissions(departure)
        record(departure, actor, EventKind.OPENED, subject=departure.employee_name, to_state=departure.state)
    return departure


def _copy_template(departure: Departure, modules: dict[str, HandoverModule]) -> None:
    template = _template_for(departure.language)
    if template is None:
        return
    items = []
    for position, template_item in enumerate(template.items.filter(module__in=modules)):
        due = departure.last_working_day - timedelta(days=template_item.due_days_before_last_day)
        items.append(
            ChecklistItem(
                module=modules[template_item.module],
                title=template_item.title,
                steps=template_item.steps,
                key_moments=template_item.key_moments,
                cautions=template_item.cautions,
                due_date=max(due, departure.notice_date),
                position=position,
            )
        )
    ChecklistItem.objects.bulk_create(items)


def module_set_successor(
    *, actor: User, departure: Departure, module: HandoverModule, successor: User
) -> None:
    """HR names (or replaces) who takes a module over; their access to the case follows."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        require(access_for(actor, departure).is_owner)
        if departure.state not in OPEN_STATES:
            raise HandoverError(_("Successors cannot change once the case is signed off or withdrawn."))
        _check_people(
            employee=departure.employee,
            manager=departure.manager,
            successors={"x": successor},
            hr_owner=departure.hr_owner,
        )
        if module.successor_id == successor.pk:
            return
        module.successor = successor
        module.successor_name = successor.name
        module.save(update_fields=["successor", "successor_name"])
        sync_case_permissions(departure)
        record(
            departure,
            actor,
            EventKind.PEOPLE_CHANGED,
            subject=f"{module.get_kind_display()}: {successor.name}",
        )


def _move(
    *, actor: User | None, departure: Departure, name: str, allowed, after=None, within=None
) -> Departure:
    """Run one case transition: permission, lock, state, guards, audit.

    ``within(departure, actor)`` runs in the same transaction after the move; ``after(case_id)``
    runs once it has committed."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        if actor is not None:
            require(allowed(access_for(actor, departure)))
        method = getattr(departure, name)
        if not can_proceed(method, check_conditions=False):
            raise HandoverError(
                _("This cannot be done while the case is “%(state)s”.")
                % {"state": departure.get_state_display()}
            )
        blocked = guards.blocking(departure, name)
        if blocked:
            raise HandoverError(" ".join(str(message) for message in blocked))
        before = departure.state
        method()
        departure.save()
        record(departure, actor, EventKind.TRANSITION, from_state=before, to_state=departure.state)
        if within is not None:
            within(departure, actor)
        if after is not None:
            case_id = departure.pk
            transaction.on_commit(lambda: after(case_id))
    return departure


def departure_start_preparing(*, actor: User, departure: Departure) -> Departure:
    """HR announces the departure to the people it touches; the leaver may now build the inventory."""
    from handover.tasks import announce_departure

    return _move(
        actor=actor,
        departure=departure,
        name="start_preparing",
        allowed=lambda a: a.is_owner,
        after=announce_departure.delay,
    )


def departure_announce(*, departure_id: int) -> int:
    """Tell the manager, the successors and the department head who leaves when; once per case."""
    with transaction.atomic():
        departure = lock_case(departure_id)
        if departure.events.filter(kind=EventKind.ANNOUNCED).exists():
            return 0
        modules = list(departure.modules.select_related("successor"))
        people = [departure.manager, departure.hr_owner, *(m.successor for m in modules if m.successor)]
        if departure.department is not None and departure.department.head is not None:
            people.append(departure.department.head)
        recipients = {
            person.pk: person for person in people if person.email and person.pk != departure.employee_id
        }
        for person in recipients.values():
            with translation.override(person.language or settings.LANGUAGE_CODE):
                send_mail(
                    subject=gettext("%(name)s is leaving on %(day)s")
                    % {"name": departure.employee_name, "day": date_format(departure.last_working_day)},
                    message=render_to_string(
                        "handover/email/announcement.txt",
                        {
                            "departure": departure,
                            "modules": modules,
                            "person": person,
                            "base_url": settings.HANDOVER_BASE_URL,
                        },
                    ),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[person.email],
                )
        record(departure, None, EventKind.ANNOUNCED, subject=", ".join(p.name for p in recipients.values()))
    return len(recipients)


def departure_start_executing(*, actor: User, departure: Departure) -> Departure:
    return _move(actor=actor, departure=departure, name="start_executing", allowed=lambda a: a.can_supervise)


def departure_start_trial_run(*, actor: User, departure: Departure) -> Departure:
    return _move(actor=actor, departure=departure, name="start_trial_run", allowed=lambda a: a.can_supervise)


def departure_begin_aftercare(*, actor: User | None, departure: Departure) -> Departure:
    """HR, or the daily task on the last working day (actor None), starts aftercare."""
    return _move(actor=actor, departure=departure, name="begin_aftercare", allowed=lambda a: a.is_owner)


def departure_close(*, actor: User, departure: Departure) -> Departure:
    """HR closes the case once aftercare is over and every access is revoked; stored secrets go."""
    from .inventory import purge_case_secrets

    return _move(
        actor=actor,
        departure=departure,
        name="close",
        allowed=lambda a: a.is_owner,
        within=purge_case_secrets,
    )


def departure_withdraw(*, actor: User, departure: Departure) -> Departure:
    """The employee stays; only possible before sign-off. Stored secrets are purged all the same."""
    from .inventory import purge_case_secrets

    return _move(
        actor=actor,
        departure=departure,
        name="withdraw",
        allowed=lambda a: a.is_owner,
        within=purge_case_secrets,
    )
