"""Accounts and permissions: listed by the leaver, taken over by the successor, revoked by HR,
the manager or IT. Stored secrets are encrypted, revealed one request at a time to the successor,
and purged once no longer needed."""

from collections.abc import Collection
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import User
from handover import policy, vault
from handover.errors import HandoverError, NotFound
from handover.models import (
    Access,
    AccessSystem,
    Departure,
    EventKind,
    HandoverModule,
    TransferMethod,
)
from handover.models.inventory import SECRET_KINDS
from handover.permissions import case_access

from ._base import (
    access_for,
    lock_case,
    locked_row,
    next_position,
    own_module,
    record,
    record_change,
    record_changes,
    today,
)
from .reentry import password_reentered

SECRET_MAX_LENGTH = 2000


def _locked_access(departure: Departure, access_id: int) -> Access:
    return locked_row(Access.objects.select_related("module", "system"), pk=access_id, departure=departure)


def _acted_access(actor: User, departure: Departure, access_id: int, act: str) -> Access:
    """The account, locked, once the policy lets this person take this act on it now."""
    access_rights = access_for(actor, departure)
    access = _locked_access(departure, access_id)
    policy.access_decision(departure.state, access_rights, access, act).enforce()
    return access


def _check_system(system: AccessSystem) -> None:
    if not system.is_active:
        raise HandoverError(_("“%(system)s” is retired from the catalogue.") % {"system": system.name})


def _check_secret(kind: str, secret: str) -> None:
    if kind not in SECRET_KINDS:
        raise HandoverError(_("Only a shared account or a sub-account may carry a stored secret."))
    if len(secret) > SECRET_MAX_LENGTH:
        raise HandoverError(_("A secret can be at most %(n)d characters long.") % {"n": SECRET_MAX_LENGTH})


@sensitive_variables()
def _set_secret(access: Access, secret: str) -> None:
    access.secret_token, access.secret_key_id = vault.encrypt(secret)
    access.secret_stored_at = timezone.now()
    access.secret_purged_at = None


def _purge_secret(departure: Departure, access: Access, actor: User | None) -> bool:
    """Forget the stored secret; True if there was one."""
    if access.secret_token is None:
        return False
    access.secret_token = None
    access.secret_key_id = ""
    access.secret_purged_at = timezone.now()
    record(departure, actor, EventKind.SECRET_PURGED, subject=str(access))
    return True


@sensitive_variables()
def new_access(
    departure: Departure,
    *,
    module: HandoverModule,
    system: AccessSystem,
    account: str,
    kind: str,
    access_level: str,
    credential_location: str,
    secret: str,
    position: int,
) -> Access:
    """An account row as listing or importing makes it: a system still offered, a secret only on
    a shared account or sub-account, and encrypted."""
    _check_system(system)
    access = Access(
        departure=departure,
        module=module,
        system=system,
        account=account,
        kind=kind,
        access_level=access_level,
        credential_location=credential_location,
        position=position,
    )
    if secret:
        _check_secret(kind, secret)
        _set_secret(access, secret)
    return access


@sensitive_variables()
def access_create(
    *,
    actor: User,
    departure: Departure,
    module: HandoverModule,
    system: AccessSystem,
    account: str,
    kind: str,
    access_level: str = "",
    credential_location: str = "",
    secret: str = "",
) -> Access:
    """The leaver lists an account or permission, optionally with its secret."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        policy.act_decision(departure.state, access_for(actor, departure), "list_inventory").enforce()
        own_module(departure, module)
        access = new_access(
            departure,
            module=module,
            system=system,
            account=account,
            kind=kind,
            access_level=access_level,
            credential_location=credential_location,
            secret=secret,
            position=next_position(departure.accesses),
        )
        access.save()
        record_change(departure, actor, EventKind.ACCESS_ADDED, subject=str(access))
        if secret:
            record(departure, actor, EventKind.SECRET_STORED, subject=str(access))
    return access


def access_update(
    *,
    actor: User,
    departure: Departure,
    access_id: int,
    module: HandoverModule,
    system: AccessSystem,
    account: str,
    kind: str,
    access_level: str = "",
    credential_location: str = "",
) -> Access:
    """The leaver corrects an account not yet taken over."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = _acted_access(actor, departure, access_id, "edit")
        own_module(departure, module)
        if system.pk != access.system_id:
            _check_system(system)
        access.module, access.system, access.account, access.kind = module, system, account, kind
        access.access_level, access.credential_location = access_level, credential_location
        if access.kind not in SECRET_KINDS:
            _purge_secret(departure, access, actor)
        access.save()
        record_change(departure, actor, EventKind.ACCESS_EDITED, subject=str(access))
    return access


def access_delete(*, actor: User, departure: Departure, access_id: int) -> None:
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = _acted_access(actor, departure, access_id, "remove")
        label = str(access)
        access.delete()
        record_change(departure, actor, EventKind.ACCESS_REMOVED, subject=label)


@sensitive_variables()
def access_store_secret(*, actor: User, departure: Departure, access_id: int, secret: str) -> Access:
    """The leaver stores (or replaces) the password or recovery code of a shared account."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = _acted_access(actor, departure, access_id, "store_secret")
        if not secret:
            raise HandoverError(_("Enter the secret to store."))
        _check_secret(access.kind, secret)
        _set_secret(access, secret)
        access.save()
        record(departure, actor, EventKind.SECRET_STORED, subject=str(access))
    return access


@sensitive_variables()
def access_reveal_secret(*, actor: User, departure: Departure, access_id: int, password: str) -> str:
    """The successor of the account's module, after re-entering their password, reads the secret.

    Every reveal and every wrong password is on the timeline; after too many wrong ones the
    password is not even checked for a while. The secret is returned to the caller and nowhere else."""
    secret = None
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = _acted_access(actor, departure, access_id, "reveal")
        if password_reentered(
            actor=actor,
            password=password,
            departure=departure,
            failure=EventKind.SECRET_REVEAL_FAILED,
            subject=str(access),
        ):
            assert access.secret_token is not None  # the policy reveals only a stored secret
            try:
                secret = vault.decrypt(access.secret_token)
            except vault.VaultError as error:
                raise HandoverError(
                    _("The secret cannot be opened with the current vault keys; ask your administrator.")
                ) from error
            record(departure, actor, EventKind.SECRET_REVEALED, subject=str(access))
    # Refused only now, so that the wrong password stays on the timeline.
    if secret is None:
        raise HandoverError(_("Your password was not correct; the secret stays hidden."))
    return secret


def access_transfer(*, actor: User, departure: Departure, access_id: int, method: str) -> Access:
    """The successor confirms working access, under their own account or a changed credential."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = _acted_access(actor, departure, access_id, "transfer")
        if method not in TransferMethod.values:
            raise HandoverError(
                _("Say how you now get in: under your own account or with a changed password.")
            )
        access.transfer()
        access.transferred_at = timezone.now()
        access.transfer_method = method
        access.transferred_by_name = actor.name
        if method == TransferMethod.ROTATED:
            access.rotated_at = access.transferred_at
            _purge_secret(departure, access, actor)
        access.save()
        record_change(departure, actor, EventKind.ACCESS_TRANSFERRED, subject=str(access))
    return access


def access_confirm_rotated(*, actor: User, departure: Departure, access_id: int) -> Access:
    """The successor changed the password: the stored one is useless and is purged at once."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = _acted_access(actor, departure, access_id, "confirm_rotated")
        access.rotated_at = timezone.now()
        _purge_secret(departure, access, actor)
        access.save()
    return access


def access_revoke(
    *, actor: User, departure: Departure, access_id: int, note: str = "", evidence: str = ""
) -> Access:
    """The HR owner, the manager or IT confirms the leaver's own access is gone, with a note or an
    evidence link. IT acts on any case from the open-access list without seeing the case itself."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = _locked_access(departure, access_id)
        policy.revoke_decision(
            state=departure.state,
            last_working_day=departure.last_working_day,
            access=case_access(actor, departure),
            is_it=actor.is_it,
            row=access,
            today=today(),
        ).enforce()
        note, evidence = _revocation_proof(note, evidence)
        _revoke(departure, access, actor, note, evidence, timezone.now())
        record_change(departure, actor, EventKind.ACCESS_REVOKED, subject=str(access))
    return access


def _revocation_proof(note: str, evidence: str) -> tuple[str, str]:
    note, evidence = note.strip(), evidence.strip()
    if not (note or evidence):
        raise HandoverError(_("Say how the access was revoked: a note or a link to the evidence."))
    return note, evidence


def _revoke(
    departure: Departure, access: Access, actor: User, note: str, evidence: str, now: datetime
) -> None:
    """The access is gone: who confirmed it, how, and its stored secret with it."""
    access.revoke()
    access.revoked_at, access.revoked_by_name = now, actor.name
    access.revocation_note, access.revocation_evidence = note, evidence
    _purge_secret(departure, access, actor)
    access.save()


def accesses_revoke(
    *, actor: User, access_ids: Collection[int], note: str = "", evidence: str = ""
) -> list[Access]:
    """HR or IT confirms several accesses revoked at once, across cases (from the risk list): the
    same rule as for one decides for each, and if it refuses any, nothing is revoked. One event per
    access, on its case."""
    wanted = set(access_ids)
    with transaction.atomic():
        rows = list(
            Access.objects.select_for_update(of=("self",))
            .select_related("system")
            .filter(pk__in=wanted)
            .order_by("departure_id", "pk")
        )
        if not rows or len(rows) != len(wanted):
            raise NotFound
        cases = {case_id: lock_case(case_id) for case_id in sorted({row.departure_id for row in rows})}
        parts = {case_id: case_access(actor, departure) for case_id, departure in cases.items()}
        on_day = today()
        for row in rows:
            departure = cases[row.departure_id]
            part = parts[row.departure_id]
            # IT sees only the risk list; anyone else only the cases they may see.
            on_list = policy.revocation_overdue(row, departure.state, departure.last_working_day, on_day)
            if not (part.can_view or (policy.may_revoke_as_it(actor) and on_list)):
                raise NotFound
            policy.revoke_decision(
                state=departure.state,
                last_working_day=departure.last_working_day,
                access=part,
                is_it=policy.may_revoke_as_it(actor),
                row=row,
                today=on_day,
            ).enforce()
        note, evidence = _revocation_proof(note, evidence)
        now = timezone.now()
        for row in rows:
            _revoke(cases[row.departure_id], row, actor, note, evidence, now)
        for case_id, departure in cases.items():
            subjects = [str(row) for row in rows if row.departure_id == case_id]
            record_changes(departure, actor, EventKind.ACCESS_REVOKED, subjects)
    return rows


def access_not_applicable(*, actor: User, departure: Departure, access_id: int, reason: str) -> Access:
    """HR or the manager takes an account out of the handover, for a stated reason."""
    with transaction.atomic():
        departure = lock_case(departure.pk)
        access = _acted_access(actor, departure, access_id, "not_applicable")
        if not reason.strip():
            raise HandoverError(_("Say why this account needs neither transfer nor revocation."))
        access.set_not_applicable()
        access.not_applicable_reason = reason.strip()
        _purge_secret(departure, access, actor)
        access.save()
        record_change(
            departure, actor, EventKind.ACCESS_NOT_APPLICABLE, subject=f"{access}: {reason.strip()}"
        )
    return access


def purge_case_secrets(departure: Departure, actor: User | None) -> int:
    """Every secret stored on the case goes; runs inside the transaction that closes or withdraws it."""
    purged = 0
    for access in (
        Access.objects.select_for_update(of=("self",))
        .select_related("system")
        .filter(departure=departure, secret_token__isnull=False)
    ):
        if _purge_secret(departure, access, actor):
            access.save(update_fields=["secret_token", "secret_key_id", "secret_purged_at"])
            purged += 1
    return purged
