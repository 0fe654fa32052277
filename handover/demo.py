"""Drive a case through the real services, step by step: demo data and tests share this."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from handover import services
from handover.models import (
    AccessState,
    Audience,
    Departure,
    HandoverModule,
    Importance,
    ItemState,
    State,
    TransferMethod,
)
from handover.models.departure import STATE_ORDER


@dataclass
class Cast:
    """The people who act on a case, and the password they all sign with."""

    hr: User
    manager: User
    leaver: User
    password: str
    withdraw_reason: str = "The employee decided to stay."
    # HR announces the departure to the people on the case as the preparation starts.
    announce: bool = True


def successor_of(module: HandoverModule) -> User:
    """The module's successor, who acts on its items."""
    # Cases driven here (demo data, test fixtures) name a successor for every module.
    assert module.successor is not None
    return module.successor


def _step(departure: Departure, cast: Cast) -> None:
    state = departure.state
    if state == State.INTENT_CONFIRMED:
        services.departure_start_preparing(actor=cast.hr, departure=departure)
        if cast.announce:
            services.announcement_send(
                actor=cast.hr,
                departure=departure,
                text=services.announcement_draft(departure).text,
                contact=departure.manager_name,
                audience=Audience.CASE,
            )
    elif state == State.PREPARING:
        services.meeting_schedule(
            actor=cast.manager,
            departure=departure,
            scheduled_at=timezone.now() - timedelta(hours=2),
            location="Meeting room 3",
            agenda="Walk through every module; name the hard parts.",
        )
        services.meeting_record(
            actor=cast.manager,
            departure=departure,
            held_at=timezone.now() - timedelta(hours=1),
            minutes="Walked through every module and its cautions.",
        )
        services.departure_start_executing(actor=cast.manager, departure=departure)
    elif state == State.EXECUTING:
        for module in departure.modules.all():
            for item in module.items.filter(state=ItemState.PENDING):
                services.item_hand_over(actor=cast.leaver, departure=departure, item_id=item.pk)
        _take_over_inventory(departure)
        services.departure_start_trial_run(actor=cast.manager, departure=departure)
    elif state == State.TRIAL_RUN:
        modules = list(departure.modules.select_related("successor"))
        for module in modules:
            for item in module.items.filter(state=ItemState.HANDED_OVER):
                services.item_accept(actor=successor_of(module), departure=departure, item_id=item.pk)
            task = services.trial_task_create(
                actor=cast.leaver,
                departure=departure,
                module=module,
                title=f"{module.get_kind_display()}: supervised run",
            )
            services.trial_task_complete(
                actor=successor_of(module),
                departure=departure,
                task_id=task.pk,
                note="Done while being watched.",
            )
            services.trial_task_verify(actor=cast.leaver, departure=departure, task_id=task.pk)
            services.module_independence(
                actor=cast.manager,
                departure=departure,
                module_id=module.pk,
                note="Ran the supervised task alone, without questions.",
            )
        signers = [cast.leaver, *{successor_of(module) for module in modules}, cast.manager]
        for signer in signers:
            services.departure_sign(actor=signer, departure=departure, password=cast.password)
    elif state == State.SIGNED_OFF:
        services.departure_begin_aftercare(actor=cast.hr, departure=departure)
    elif state == State.AFTERCARE:
        for access in departure.accesses.filter(state=AccessState.TRANSFERRED):
            services.access_revoke(
                actor=cast.hr,
                departure=departure,
                access_id=access.pk,
                note="Disabled by IT on the last day.",
            )
        services.departure_close(actor=cast.hr, departure=departure)


def _take_over_inventory(departure: Departure) -> None:
    """Each successor confirms working access to every listed account and finds what matters most."""
    for access in departure.accesses.filter(state=AccessState.LISTED).select_related("module__successor"):
        services.access_transfer(
            actor=successor_of(access.module),
            departure=departure,
            access_id=access.pk,
            method=TransferMethod.ROTATED if access.has_secret else TransferMethod.OWN_IDENTITY,
        )
    for material in departure.materials.filter(
        importance=Importance.HIGH, found_at__isnull=True
    ).select_related("module__successor"):
        services.material_found(
            actor=successor_of(material.module), departure=departure, material_id=material.pk
        )


def drive_to(departure: Departure, target: str, cast: Cast) -> Departure:
    """Move a case forward through every step until it reaches ``target``."""
    if target == State.WITHDRAWN:
        return services.departure_withdraw(actor=cast.hr, departure=departure, reason=cast.withdraw_reason)
    while STATE_ORDER.index(departure.state) < STATE_ORDER.index(State(target)):
        _step(departure, cast)
        departure = Departure.objects.get(pk=departure.pk)
    return departure
