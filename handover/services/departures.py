import uuid
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from handover import policy
from handover.errors import HandoverError, NotFound
from handover.models import (
    ChecklistItem,
    Departure,
    EventKind,
    HandoverModule,
    ItemState,
    ModuleKind,
    NoticeKind,
    OutboxMessage,
    State,
)
from handover.models.checklist import MODULE_ORDER
from handover.models.departure import ACTIVE_STATES
from handover.models.events import data_subject
from handover.permissions import sync_case_permissions

from . import invitations
from ._base import access_for, facts_of, lock_case, locked_row, record, record_change, today
from .templates import default_template, template_proposals_make


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
        if not successor.is_active:
            raise HandoverError(
                _("%(name)s is no longer active and cannot take work over.") % {"name": successor.name}
            )
        if successor.pk == employee.pk:
            raise HandoverError(_("The departing employee cannot be their own successor."))
        if successor.pk == manager.pk:
            raise HandoverError(_("The manager signs off the handover and cannot also be a successor."))


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
    if not policy.may_open_case(actor):
        raise PermissionDenied(_("Only HR can open a departure case."))
    _check_dates(notice_date, last_working_day, support_until)
    unknown = set(successors) - set(ModuleKind.values)
    if unknown or not successors:
        raise HandoverError(_("Choose at least one work module to hand over."))
    if any(successor is None for successor in successors.values()):
        raise HandoverError(_("Every work module handed over needs a successor; leave out the others."))
    _check_people(employee=employee, manager=manager, successors=successors, hr_owner=actor)
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
    template = default_template(departure.language)
    if template is not None and departure.template_id is None:
        Departure.objects.filter(pk=departure.pk).update(template=template, template_version=template.version)
        departure.template, departure.template_version = template, template.version
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
                from_template=True,
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
        policy.act_decision(departure.state, access_for(actor, departure), "change_people").enforce()
        module = locked_row(HandoverModule.objects.all(), pk=module.pk, departure=departure)
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
        record_change(
            departure,
            actor,
            EventKind.PEOPLE_CHANGED,
            subject=data_subject(module=module.kind, successor=successor.name),
        )


def _check_dates(notice_date: date, last_working_day: date, support_until: date | None) -> None:
    if last_working_day < notice_date:
        raise HandoverError(_("The last working day cannot be before the notice date."))
    if support_until is not None and support_until < last_working_day:
        raise HandoverError(_("Aftercare cannot end before the last working day."))
    if not all(policy.date_in_range(day) for day in (notice_date, last_working_day, support_until)):
        raise HandoverError(policy.date_range_message())


def departure_update(
    *,
    actor: User,
    departure: Departure,
    manager: User,
    hr_owner: User,
    last_working_day: date,
    support_until: date,
) -> Departure:
    """HR changes the manager, the HR owner or the dates until the sign-off; each change is on the
    timeline, access follows the people, and short notice is recomputed from the new last day."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        policy.act_decision(departure.state, access_for(actor, departure), "change_people").enforce()
        if not policy.may_use_hr_pages(hr_owner):
            raise HandoverError(_("The HR owner must be someone in HR."))
        successors = {m.kind: m.successor for m in departure.modules.select_related("successor")}
        _check_people(employee=departure.employee, manager=manager, successors=successors, hr_owner=hr_owner)
        _check_dates(departure.notice_date, last_working_day, support_until)
        people: dict[str, list[str]] = {}
        if manager.pk != departure.manager_id:
            people["manager"] = [departure.manager_name, manager.name]
            departure.manager, departure.manager_name = manager, manager.name
        if hr_owner.pk != departure.hr_owner_id:
            people["hr_owner"] = [departure.hr_owner_name, hr_owner.name]
            departure.hr_owner, departure.hr_owner_name = hr_owner, hr_owner.name
        dates: dict[str, object] = {}
        if last_working_day != departure.last_working_day:
            dates["last_working_day"] = [departure.last_working_day.isoformat(), last_working_day.isoformat()]
            dates["moved"] = _move_due_dates(departure, last_working_day - departure.last_working_day)
            departure.last_working_day = last_working_day
        if support_until != departure.support_until:
            dates["support_until"] = [departure.support_until.isoformat(), support_until.isoformat()]
            departure.support_until = support_until
        if not (people or dates):
            return departure
        departure.save()
        sync_case_permissions(departure)
        if people:
            record_change(departure, actor, EventKind.PEOPLE_CHANGED, subject=data_subject(**people))
        if dates:
            record_change(departure, actor, EventKind.DATES_CHANGED, subject=data_subject(**dates))
    return departure


def _move_due_dates(departure: Departure, shift: timedelta) -> int:
    """Items still to hand over keep their distance to the last working day when it moves (the
    template set them that many days before it), never before the notice date."""
    items = list(
        ChecklistItem.objects.filter(
            module__departure=departure, state=ItemState.PENDING, due_date__isnull=False
        ).only("pk", "due_date")
    )
    for item in items:
        if item.due_date is not None:
            item.due_date = max(item.due_date + shift, departure.notice_date)
    ChecklistItem.objects.bulk_update(items, ["due_date"])
    return len(items)


def module_add(*, actor: User, departure: Departure, kind: str, successor: User) -> HandoverModule:
    """HR adds a work module left out at opening, with its successor; its checklist starts from the
    default template of the case's language."""
    if kind not in ModuleKind.values:
        raise HandoverError(_("Choose a work module."))
    with transaction.atomic():
        departure = lock_case(departure.pk)
        policy.act_decision(departure.state, access_for(actor, departure), "add_module").enforce()
        if departure.modules.filter(kind=kind).exists():
            raise HandoverError(_("This work module is already part of the case."))
        _check_people(
            employee=departure.employee,
            manager=departure.manager,
            successors={kind: successor},
            hr_owner=departure.hr_owner,
        )
        module = HandoverModule.objects.create(
            departure=departure,
            kind=kind,
            position=MODULE_ORDER[kind],
            successor=successor,
            successor_name=successor.name,
        )
        _copy_template(departure, {kind: module})
        sync_case_permissions(departure)
        record_change(
            departure,
            actor,
            EventKind.MODULE_ADDED,
            subject=data_subject(module=module.kind, successor=successor.name),
        )
    return module


def module_remove(*, actor: User, departure: Departure, module_id: int) -> None:
    """HR takes a module out of the handover while nothing in it was handed over."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure)
        facts = facts_of(departure)
        module = next((m for m in facts.modules if m.id == module_id), None)
        if module is None:
            raise NotFound
        policy.module_removal_decision(facts, access, module).enforce()
        HandoverModule.objects.filter(pk=module_id, departure=departure).delete()
        sync_case_permissions(departure)
        record_change(departure, actor, EventKind.MODULE_REMOVED, subject=data_subject(module=module.kind))


def run_transition(
    *, actor: User | None, departure: Departure, name: str, subject: str = "", after=None, within=None
) -> Departure:
    """The one way a case moves: lock, ask the policy (who, from which state, what blocks it), move
    the state, audit. ``actor`` None is the system (the daily task).

    ``within(departure, actor)`` runs in the same transaction after the move; ``after(case_id)``
    runs once it has committed."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = access_for(actor, departure) if actor is not None else None
        policy.transition_decision(facts_of(departure), access, name, today()).enforce()
        before = departure.state
        getattr(departure, name)()
        departure.save()
        record(
            departure,
            actor,
            EventKind.TRANSITION,
            subject=subject,
            from_state=before,
            to_state=departure.state,
        )
        if within is not None:
            within(departure, actor)
        if after is not None:
            case_id = departure.pk
            transaction.on_commit(lambda: after(case_id))
    return departure


def departure_start_preparing(*, actor: User, departure: Departure) -> Departure:
    """HR starts the preparation: the leaver may now build the inventory, and HR reviews and sends
    the announcement (``announcements.announcement_send``)."""
    return run_transition(actor=actor, departure=departure, name="start_preparing")


def departure_start_executing(*, actor: User, departure: Departure) -> Departure:
    return run_transition(actor=actor, departure=departure, name="start_executing")


def departure_start_trial_run(*, actor: User, departure: Departure) -> Departure:
    return run_transition(actor=actor, departure=departure, name="start_trial_run")


def departure_begin_aftercare(*, actor: User | None, departure: Departure) -> Departure:
    """HR, or the daily task on the last working day (actor None), starts aftercare."""
    return run_transition(actor=actor, departure=departure, name="begin_aftercare")


def departure_close(*, actor: User, departure: Departure) -> Departure:
    """HR closes the case once aftercare is over and every access is revoked; stored secrets go, and
    what the case learnt is proposed for its checklist template."""
    from .accounts import purge_case_secrets

    def closing(departure: Departure, actor: User | None) -> None:
        purge_case_secrets(departure, actor)
        template_proposals_make(departure, actor)
        quality_scores_store(Departure.objects.filter(pk=departure.pk))
        # The former employee's private address was for aftercare only, in the case and in its mails.
        Departure.objects.filter(pk=departure.pk).update(aftercare_email="")
        private = [kind for kind in NoticeKind.values if policy.reaches_former_employees(kind)]
        OutboxMessage.objects.filter(departure=departure, kind__in=private).update(address="")

    return run_transition(actor=actor, departure=departure, name="close", within=closing)


QUALITY_BATCH = 500


def quality_scores_store(departures: QuerySet[Departure]) -> int:
    """Store the quality score of these closed cases (at most ``QUALITY_BATCH``); how many."""
    from handover import quality, selectors

    frictions = selectors.case_friction(departures.order_by("pk")[:QUALITY_BATCH])
    scored = [Departure(pk=case_id, quality_score=quality.score(f).value) for case_id, f in frictions.items()]
    Departure.objects.bulk_update(scored, ["quality_score"])
    return len(scored)


QUALITY_BATCHES_PER_RUN = 20


def quality_scores_fill() -> int:
    """Closed cases without a stored score (closed before scores were stored) get one, up to
    ``QUALITY_BATCHES_PER_RUN`` batches a run (10,000 cases: one run of about 5 s); how many."""
    filled = 0
    for _batch in range(QUALITY_BATCHES_PER_RUN):
        stored = quality_scores_store(Departure.objects.filter(state=State.CLOSED, quality_score=None))
        filled += stored
        if stored < QUALITY_BATCH:
            break
    return filled


def departure_withdraw(*, actor: User, departure: Departure, reason: str) -> Departure:
    """The employee stays; only possible before sign-off, with a reason kept on the timeline.
    Stored secrets are purged all the same."""
    from .accounts import purge_case_secrets

    def purge_after_a_reason(departure: Departure, actor: User | None) -> None:
        # Asked only once the policy has let this person withdraw the case.
        if not reason.strip():
            raise HandoverError(_("Say why the case is withdrawn; the reason stays on the timeline."))
        purge_case_secrets(departure, actor)
        invitations.call_off(departure, actor)

    return run_transition(
        actor=actor,
        departure=departure,
        name="withdraw",
        subject=reason.strip()[:300],
        within=purge_after_a_reason,
    )
