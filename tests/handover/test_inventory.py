"""Accounts, access and materials: secrets at rest, who may reveal, purges, guards, overdue notices."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from handover import services, vault
from handover.errors import HandoverError, NotFound
from handover.models import (
    Access,
    AccessState,
    AccessSystem,
    Departure,
    Event,
    EventKind,
    Importance,
    OutboxMessage,
    State,
    TransferMethod,
)
from handover.notifications import outbox
from handover.tasks import send_overdue_access_notices as queue_overdue_access_notices
from tests.conftest import advance
from tests.factories import UserFactory


def send_overdue_access_notices() -> int:
    """The notices queued by the daily task, then sent by the outbox (its task runs on commit)."""
    queued = queue_overdue_access_notices()
    outbox.deliver_due()
    return queued


pytestmark = pytest.mark.django_db

SECRET = "Tmall-sub#2026!recovery"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def system(db) -> AccessSystem:
    return AccessSystem.objects.create(name="Tmall seller centre", category="marketplace")


def module_of(departure: Departure, kind: str = "product"):
    return departure.modules.get(kind=kind)


def list_access(
    departure, people, system, *, kind="shared", secret=SECRET, module="product", account="ops-1"
):
    return services.access_create(
        actor=people.leaver,
        departure=departure,
        module=module_of(departure, module),
        system=system,
        account=account,
        kind=kind,
        secret=secret,
    )


@pytest.fixture
def executing_with_secret(make_case, people, system):
    departure = make_case(State.PREPARING)
    access = list_access(departure, people, system)
    departure = advance(departure, people, State.EXECUTING)
    return departure, access


def test_stored_secret_row_holds_no_plaintext(make_case, people, system):
    departure = make_case(State.PREPARING)
    access = list_access(departure, people, system)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Access._meta.db_table} WHERE id = %s", [access.pk])  # noqa: S608
        row = cursor.fetchone()
    raw = b"".join(bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode() for v in row)
    assert SECRET.encode() not in raw
    assert access.secret_token is not None and len(bytes(access.secret_token)) > len(SECRET)
    assert vault.decrypt(Access.objects.get(pk=access.pk).secret_token) == SECRET
    # Nor anywhere else: no event, no page for the leaver who stored it.
    assert not Event.objects.filter(subject__contains=SECRET).exists()


def test_secret_only_for_shared_or_sub_accounts(make_case, people, system):
    departure = make_case(State.PREPARING)
    with pytest.raises(HandoverError, match="shared account or a sub-account"):
        list_access(departure, people, system, kind="personal")
    assert not Access.objects.exists()


def reveal_url(departure, access) -> str:
    return reverse("handover:access_reveal", args=[departure.pk, access.pk])


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("successor_a", 200),
        ("leaver", 403),
        ("manager", 403),
        ("hr", 403),
        ("successor_b", 403),
        ("head", 404),
        ("stranger", 404),
    ],
)
def test_reveal_matrix(client, people, executing_with_secret, role, expected):
    departure, access = executing_with_secret
    user = getattr(people, role)
    client.force_login(user)
    response = client.post(reveal_url(departure, access), {"password": people.password})
    assert response.status_code == expected
    revealed = SECRET in response.content.decode()
    assert revealed is (expected == 200)
    assert Event.objects.filter(kind=EventKind.SECRET_REVEALED).count() == (1 if expected == 200 else 0)
    if expected == 200:
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("role", "refusal"),
    [
        *[(role, PermissionDenied) for role in ["leaver", "manager", "hr", "successor_b", "head"]],
        # Someone who may not see the case is told it does not exist (a 404 on the web).
        ("stranger", NotFound),
    ],
)
def test_reveal_service_refuses_everyone_but_the_modules_successor(
    people, executing_with_secret, role, refusal
):
    departure, access = executing_with_secret
    with pytest.raises(refusal):
        services.access_reveal_secret(
            actor=getattr(people, role), departure=departure, access_id=access.pk, password=people.password
        )


def test_reveal_needs_the_successors_own_password(client, people, executing_with_secret):
    departure, access = executing_with_secret
    client.force_login(people.successor_a)
    for password in ["", "wrong-password"]:
        response = client.post(reveal_url(departure, access), {"password": password})
        assert response.status_code == 200
        assert SECRET not in response.content.decode()
    assert client.get(reveal_url(departure, access)).status_code == 200
    assert SECRET not in client.get(reveal_url(departure, access)).content.decode()
    assert not Event.objects.filter(kind=EventKind.SECRET_REVEALED).exists()


def test_every_reveal_is_an_audit_event(people, executing_with_secret):
    departure, access = executing_with_secret
    for _ in range(3):
        secret = services.access_reveal_secret(
            actor=people.successor_a, departure=departure, access_id=access.pk, password=people.password
        )
        assert secret == SECRET
    events = Event.objects.filter(kind=EventKind.SECRET_REVEALED)
    assert events.count() == 3
    assert {e.actor_id for e in events} == {people.successor_a.pk}


def test_secret_never_on_the_case_page_export_or_admin(
    client, people, executing_with_secret, admin_client, whole_case
):
    departure, access = executing_with_secret
    for role in ["leaver", "successor_a", "hr", "manager"]:
        client.force_login(getattr(people, role))
        page = whole_case(departure)
        assert "secret stored, encrypted" in page
        assert SECRET not in page
        for fmt, what in [("csv", "accounts"), ("xlsx", "accounts")]:
            url = reverse("handover:inventory_export", args=[departure.pk, fmt]) + f"?what={what}"
            assert SECRET.encode() not in client.get(url).content
    admin = admin_client.get(reverse("admin:handover_access_changelist")).content.decode()
    assert SECRET not in admin
    detail = admin_client.get(reverse("admin:handover_access_change", args=[access.pk])).content.decode()
    assert SECRET not in detail


def test_purged_when_the_successor_confirms_rotation(people, executing_with_secret):
    departure, access = executing_with_secret
    services.access_confirm_rotated(actor=people.successor_a, departure=departure, access_id=access.pk)
    access.refresh_from_db()
    assert access.secret_token is None and access.secret_purged_at is not None and access.rotated_at
    assert Event.objects.filter(kind=EventKind.SECRET_PURGED).count() == 1
    with pytest.raises(HandoverError, match="No secret"):
        services.access_reveal_secret(
            actor=people.successor_a, departure=departure, access_id=access.pk, password=people.password
        )


def test_purged_when_transferred_with_a_changed_password(people, executing_with_secret):
    departure, access = executing_with_secret
    services.access_transfer(
        actor=people.successor_a, departure=departure, access_id=access.pk, method=TransferMethod.ROTATED
    )
    access.refresh_from_db()
    assert access.state == AccessState.TRANSFERRED
    assert access.secret_token is None and access.rotated_at is not None


def test_purged_when_the_case_closes(people, executing_with_secret):
    departure, access = executing_with_secret
    services.access_transfer(
        actor=people.successor_a, departure=departure, access_id=access.pk, method=TransferMethod.OWN_IDENTITY
    )
    access.refresh_from_db()
    assert access.secret_token is not None  # under their own account: the shared secret stays for now
    departure = advance(departure, people, State.AFTERCARE)
    assert Access.objects.get(pk=access.pk).secret_token is not None
    departure = advance(departure, people, State.CLOSED)
    access.refresh_from_db()
    assert departure.state == State.CLOSED
    assert access.state == AccessState.REVOKED
    assert access.secret_token is None and access.secret_purged_at is not None


def test_purged_when_the_case_is_withdrawn(people, make_case, system):
    departure = make_case(State.PREPARING)
    access = list_access(departure, people, system)
    services.departure_withdraw(actor=people.hr, departure=departure, reason="The employee stays.")
    access.refresh_from_db()
    assert access.secret_token is None


def test_sign_off_waits_for_transfers_and_important_materials(ready_to_sign, people, system):
    departure = ready_to_sign()
    Access.objects.create(
        departure=departure, module=module_of(departure), system=system, account="ops", kind="personal"
    )
    material = departure.materials.create(
        module=module_of(departure),
        title="Contracts",
        category="contract",
        location="Cabinet B",
        importance=Importance.HIGH,
    )
    with pytest.raises(HandoverError) as refused:
        services.departure_sign(actor=people.leaver, departure=departure, password=people.password)
    assert "not transferred yet" in str(refused.value)
    assert "high-importance materials" in str(refused.value)
    access = departure.accesses.get()
    services.access_transfer(
        actor=people.successor_a, departure=departure, access_id=access.pk, method=TransferMethod.OWN_IDENTITY
    )
    services.material_found(actor=people.successor_a, departure=departure, material_id=material.pk)
    services.departure_sign(actor=people.leaver, departure=departure, password=people.password)


def test_close_waits_for_every_revocation(people, executing_with_secret):
    departure, access = executing_with_secret
    services.access_transfer(
        actor=people.successor_a, departure=departure, access_id=access.pk, method=TransferMethod.OWN_IDENTITY
    )
    departure = advance(departure, people, State.AFTERCARE)
    Departure.objects.filter(pk=departure.pk).update(support_until=dt.date(2000, 1, 1))
    with pytest.raises(HandoverError, match="not confirmed as revoked"):
        services.departure_close(actor=people.hr, departure=departure)
    with pytest.raises(HandoverError, match="a note or a link"):
        services.access_revoke(actor=people.manager, departure=departure, access_id=access.pk)
    services.access_revoke(actor=people.manager, departure=departure, access_id=access.pk, note="Deleted")
    assert services.departure_close(actor=people.hr, departure=departure).state == State.CLOSED


def test_not_applicable_needs_a_reason_and_a_supervisor(people, make_case, system):
    departure = make_case(State.PREPARING)
    access = list_access(departure, people, system, secret="")
    with pytest.raises(PermissionDenied):
        services.access_not_applicable(
            actor=people.leaver, departure=departure, access_id=access.pk, reason="x"
        )
    with pytest.raises(HandoverError):
        services.access_not_applicable(actor=people.hr, departure=departure, access_id=access.pk, reason=" ")
    services.access_not_applicable(
        actor=people.hr, departure=departure, access_id=access.pk, reason="Expired"
    )
    assert Access.objects.get(pk=access.pk).state == AccessState.NOT_APPLICABLE


def overdue_case(make_case, people, system, last_day: dt.date) -> Departure:
    departure = make_case(State.PREPARING)
    list_access(departure, people, system, secret="")
    Departure.objects.filter(pk=departure.pk).update(
        notice_date=last_day - dt.timedelta(days=30), last_working_day=last_day
    )
    return departure


def test_overdue_notice_once_per_person_per_day(make_case, people, system, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        overdue_case(make_case, people, system, dt.date(2026, 11, 1))
        assert send_overdue_access_notices() == 2
        assert send_overdue_access_notices() == 0  # the task running twice sends nothing new
        assert sorted(m.to[0] for m in mail.outbox) == sorted([people.hr.email, people.manager.email])
        assert "ops-1" in mail.outbox[0].body
    with time_machine.travel(dt.datetime(2026, 11, 2, 17, 0, tzinfo=SHANGHAI), tick=False):
        assert send_overdue_access_notices() == 0
    with time_machine.travel(dt.datetime(2026, 11, 3, 9, 0, tzinfo=SHANGHAI), tick=False):
        assert send_overdue_access_notices() == 2
        assert send_overdue_access_notices() == 0
    assert len(mail.outbox) == 4
    assert OutboxMessage.objects.filter(kind="access_overdue").count() == 4


def test_no_notice_before_the_last_day_is_over_or_once_revoked(make_case, people, system, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    with time_machine.travel(dt.datetime(2026, 11, 1, 20, 0, tzinfo=SHANGHAI), tick=False):
        departure = overdue_case(make_case, people, system, dt.date(2026, 11, 1))
        assert send_overdue_access_notices() == 0  # due by the end of the last day: not yet late
    access = departure.accesses.get()
    Access.objects.filter(pk=access.pk).update(state=AccessState.REVOKED)
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        assert send_overdue_access_notices() == 0
    assert mail.outbox == []


def test_open_access_page_for_hr_only_sorted_by_days_overdue(client, make_case, people, system):
    older = overdue_case(make_case, people, system, dt.date(2026, 1, 1))
    other_leaver = people.successor_b
    newer = make_case(State.PREPARING, employee=other_leaver, successors={"product": people.successor_a})
    services.access_create(
        actor=other_leaver,
        departure=newer,
        module=module_of(newer),
        system=system,
        account="ops-2",
        kind="personal",
    )
    Departure.objects.filter(pk=newer.pk).update(
        notice_date=dt.date(2026, 5, 1), last_working_day=dt.date(2026, 6, 1)
    )
    url = reverse("handover:open_accesses")
    client.force_login(people.hr)
    page = client.get(url).content.decode()
    assert page.index(older.number) < page.index(newer.number)
    page = client.get(url + "?sort=overdue").content.decode()
    assert page.index(newer.number) < page.index(older.number)
    for role in ["manager", "leaver", "successor_a", "stranger"]:
        client.force_login(getattr(people, role))
        assert client.get(url).status_code == 404


def test_vault_key_rotation_re_encrypts_under_the_new_key(make_case, people, system, settings):
    old = vault.keys()[0].decode()
    departure = make_case(State.PREPARING)
    access = list_access(departure, people, system)
    new = Fernet.generate_key().decode()
    settings.HANDOVER_VAULT_KEYS = [new, old]
    call_command("vault_key", "rotate")
    access.refresh_from_db()
    assert access.secret_key_id == vault.key_id(new.encode())
    settings.HANDOVER_VAULT_KEYS = [new]
    assert vault.decrypt(access.secret_token) == SECRET
    settings.HANDOVER_VAULT_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(vault.VaultError):
        vault.decrypt(access.secret_token)


def test_vault_refuses_a_malformed_key_and_secret_key_as_a_key(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.HANDOVER_VAULT_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="must be a Fernet key"):
        vault.encrypt("x")
    key = Fernet.generate_key().decode()
    settings.SECRET_KEY = key
    settings.HANDOVER_VAULT_KEYS = [key]
    with pytest.raises(ImproperlyConfigured, match="must not reuse SECRET_KEY"):
        vault.encrypt("x")


def test_a_transfer_after_a_signature_voids_it(ready_to_sign, people, system):
    departure = ready_to_sign()
    Access.objects.create(
        departure=departure, module=module_of(departure), system=system, account="late", kind="personal"
    )
    access = departure.accesses.get()
    services.access_not_applicable(actor=people.hr, departure=departure, access_id=access.pk, reason="Unused")
    services.departure_sign(actor=people.leaver, departure=departure, password=people.password)
    second = Access.objects.create(
        departure=departure, module=module_of(departure), system=system, account="later", kind="personal"
    )
    services.access_transfer(
        actor=people.successor_a, departure=departure, access_id=second.pk, method=TransferMethod.OWN_IDENTITY
    )
    assert departure.signatures.get(signer=people.leaver).voided_at is not None
    services.departure_sign(actor=people.successor_a, departure=departure, password=people.password)
    with pytest.raises(HandoverError, match="must sign before the manager"):
        services.departure_sign(actor=people.manager, departure=departure, password=people.password)


def test_my_work_tells_each_person_their_part(make_case, people, system):
    from handover import selectors

    departure = make_case(State.PREPARING)
    list_access(departure, people, system, secret="")
    departure.materials.create(
        module=module_of(departure),
        title="Contracts",
        category="contract",
        location="Cabinet B",
        importance=Importance.HIGH,
    )
    advance(departure, people, State.EXECUTING)
    texts = [str(todo.text) for card in selectors.my_work(people.successor_a) for todo in card.todos]
    assert "Confirm working access to 1 account in Product management" in texts
    assert "Confirm you found 1 important material in Product management" in texts
    Departure.objects.filter(pk=departure.pk).update(
        notice_date=dt.date(2026, 1, 1), last_working_day=dt.date(2026, 2, 1), updated_at=timezone.now()
    )
    for person in (people.hr, people.manager):
        texts = [str(todo.text) for card in selectors.my_work(person) for todo in card.todos]
        assert "Confirm 1 access of the departing employee is revoked (overdue)" in texts


def test_system_catalogue_is_hrs_to_extend(client, people):
    url = reverse("handover:system_list")
    client.force_login(people.leaver)
    assert client.get(url).status_code == 404
    client.force_login(people.hr)
    response = client.post(url, {"name": "Temu seller centre", "category": "marketplace", "is_active": "on"})
    assert response.status_code == 302
    system = AccessSystem.objects.get(name="Temu seller centre")
    client.post(
        reverse("handover:system_edit", args=[system.pk]), {"name": system.name, "category": "marketplace"}
    )
    system.refresh_from_db()
    assert not system.is_active


def test_it_revokes_from_the_open_list_without_seeing_the_case(client, make_case, people, system):
    from accounts.models import Role
    from tests.factories import UserFactory

    it = UserFactory(username="it", display_name="Ivy IT", roles=[Role.IT])
    departure = overdue_case(make_case, people, system, dt.date(2026, 1, 1))
    access = departure.accesses.get()
    client.force_login(it)
    page = client.get(reverse("handover:open_accesses")).content.decode()
    revoke = reverse("handover:access_revoke_by_it", args=[access.pk])
    assert revoke in page
    assert client.get(reverse("handover:case_detail", args=[departure.pk])).status_code == 404
    # Never transferred, but the last day is over: closing the door comes first.
    response = client.post(revoke, {"note": "Sub-account deleted, ticket 4711"})
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.state == AccessState.REVOKED and access.revoked_by_name == "Ivy IT"
    assert Event.objects.filter(kind=EventKind.ACCESS_REVOKED, actor=it).exists()
    assert access.pk not in [row.id for row in selectors_open(it)]
    client.force_login(people.successor_a)
    assert client.get(revoke).status_code == 404


def selectors_open(user):
    from handover import selectors

    return selectors.open_access_page(user, 1).object_list


def test_revoking_before_a_transfer_waits_for_the_last_day(people, make_case, system):
    departure = make_case(State.PREPARING)
    access = list_access(departure, people, system, secret="")
    with pytest.raises(HandoverError, match="after the last working day"):
        services.access_revoke(actor=people.hr, departure=departure, access_id=access.pk, note="Too early")


def test_what_signers_affirm_about_accounts_and_materials(ready_to_sign, people, system):
    departure = ready_to_sign()
    access = Access.objects.create(
        departure=departure, module=module_of(departure), system=system, account="ops", kind="personal"
    )
    services.access_transfer(
        actor=people.successor_a, departure=departure, access_id=access.pk, method=TransferMethod.OWN_IDENTITY
    )
    minor = departure.materials.create(
        module=module_of(departure), title="Old notes", category="other", location="Shelf", importance="low"
    )
    services.departure_sign(actor=people.leaver, departure=departure, password=people.password)
    # Renaming the system in the catalogue or revoking the access (which goes on after sign-off)
    # is not what signers affirm: the signature stands.
    AccessSystem.objects.filter(pk=system.pk).update(name="Tmall seller centre (renamed)")
    services.access_revoke(actor=people.manager, departure=departure, access_id=access.pk, note="Gone")
    assert departure.signatures.get(signer=people.leaver).voided_at is None
    # Whether each material was found is: the signature is void and the leaver signs again.
    services.material_found(actor=people.successor_a, departure=departure, material_id=minor.pk)
    assert departure.signatures.get(signer=people.leaver).voided_at is not None
    services.departure_sign(actor=people.successor_a, departure=departure, password=people.password)
    services.departure_sign(actor=people.leaver, departure=departure, password=people.password)


def test_a_departing_it_colleague_cannot_close_their_own_door(make_case, people, system):
    from django.contrib.auth.models import Group

    from accounts.models import Role

    people.leaver.groups.add(Group.objects.get_or_create(name=Role.IT)[0])
    departure = overdue_case(make_case, people, system, dt.date(2026, 1, 1))
    access = departure.accesses.get()
    with pytest.raises(PermissionDenied):
        services.access_revoke(actor=people.leaver, departure=departure, access_id=access.pk, note="Done")
    assert Access.objects.get(pk=access.pk).state == AccessState.LISTED


def test_revoking_purges_the_secret(people, executing_with_secret):
    departure, access = executing_with_secret
    services.access_transfer(
        actor=people.successor_a, departure=departure, access_id=access.pk, method=TransferMethod.OWN_IDENTITY
    )
    services.access_revoke(actor=people.hr, departure=departure, access_id=access.pk, evidence="https://it/1")
    assert Access.objects.get(pk=access.pk).secret_token is None


def test_department_head_does_not_read_accounts_in_the_timeline(client, people, executing_with_secret):
    departure, _access = executing_with_secret
    url = reverse("handover:case_timeline", args=[departure.pk])
    accounts = reverse("handover:case_accounts", args=[departure.pk])
    client.force_login(people.head)
    page = client.get(url).content.decode()
    assert "ops-1" not in page and accounts not in page
    assert client.get(accounts).status_code == 404
    client.force_login(people.manager)
    assert "ops-1" in client.get(url).content.decode()


def test_revoking_a_never_transferred_account_during_the_trial_run_voids_signatures(
    ready_to_sign, people, system
):
    """After the last working day an account still listed is revoked directly; that changes what
    signers affirm (it was not transferred), so earlier signatures are void, as for any change."""
    departure = ready_to_sign()
    services.departure_sign(actor=people.leaver, departure=departure, password=people.password)
    listed = Access.objects.create(
        departure=departure, module=module_of(departure), system=system, account="forgotten", kind="personal"
    )
    past = timezone.localdate() - dt.timedelta(days=1)
    Departure.objects.filter(pk=departure.pk).update(notice_date=past, last_working_day=past)
    departure.refresh_from_db()
    services.access_revoke(actor=people.hr, departure=departure, access_id=listed.pk, note="Closed by IT.")
    assert departure.signatures.get(signer=people.leaver).voided_at is not None


def test_the_risk_list_offers_revocation_to_whom_the_policy_lets_revoke(make_case, people, system):
    from handover import selectors

    departure = make_case(State.PREPARING)
    list_access(departure, people, system, secret="")
    past = timezone.localdate() - dt.timedelta(days=3)
    Departure.objects.filter(pk=departure.pk).update(notice_date=past, last_working_day=past)
    it = UserFactory(username="it_admin", roles=[Role.IT])
    leaver_in_it = people.leaver
    leaver_in_it.groups.add(Group.objects.get_or_create(name=Role.IT)[0])

    def via(user):
        return {row.revoke_via for row in selectors.open_access_page(user, 1).object_list}

    assert via(people.hr) == {"case"}
    assert via(people.manager) == {"case"}
    assert via(it) == {"it"}
    assert via(leaver_in_it) == {""}  # never their own access


def _listed_by(departure, employee, system, account):
    return services.access_create(
        actor=employee,
        departure=departure,
        module=module_of(departure),
        system=system,
        account=account,
        kind="personal",
    )


def _overdue_case(make_case, people, system, employee, accounts=2):
    departure = make_case(State.PREPARING, employee=employee)
    rows = [_listed_by(departure, employee, system, f"{employee.username}-{n}") for n in range(accounts)]
    past = timezone.localdate() - dt.timedelta(days=2)
    Departure.objects.filter(pk=departure.pk).update(notice_date=past, last_working_day=past)
    departure.refresh_from_db()
    return departure, rows


def test_it_confirms_several_accesses_revoked_across_cases_with_one_note(client, make_case, people, system):
    first, rows_a = _overdue_case(make_case, people, system, people.leaver)
    second, rows_b = _overdue_case(make_case, people, system, UserFactory(username="second_leaver"))
    it = UserFactory(username="it_bulk", roles=[Role.IT])
    ids = [row.pk for row in [*rows_a, *rows_b]]
    client.force_login(it)
    listing = client.get(reverse("handover:open_accesses")).content.decode()
    assert all(f'name="access" value="{pk}"' in listing for pk in ids)
    url = reverse("handover:accesses_revoke")
    confirm = client.get(url, {"access": ids}).content.decode()
    assert "Confirm 4 accesses revoked" in confirm
    refused = client.post(url, {"access": ids, "note": ""})
    assert "a note or a link to the evidence" in refused.content.decode()
    assert not Access.objects.filter(state=AccessState.REVOKED).exists()
    client.post(url, {"access": ids, "note": "Disabled in the IdP, ticket 88."})
    assert Access.objects.filter(pk__in=ids, state=AccessState.REVOKED).count() == 4
    for departure in (first, second):
        assert departure.events.filter(kind=EventKind.ACCESS_REVOKED, actor=it).count() == 2


def test_several_revocations_happen_all_or_none_by_the_same_rule(make_case, people, system):
    _departure, rows = _overdue_case(make_case, people, system, people.leaver)
    staying = UserFactory(username="not_yet_gone")
    other = make_case(State.EXECUTING, employee=staying)
    not_due = _listed_by(other, staying, system, "still-working")
    with pytest.raises(HandoverError, match="revoked once the successor confirms the transfer"):
        services.accesses_revoke(actor=people.hr, access_ids=[rows[0].pk, not_due.pk], note="Off.")
    assert not Access.objects.filter(state=AccessState.REVOKED).exists()
    people.leaver.groups.add(Group.objects.get_or_create(name=Role.IT)[0])
    with pytest.raises(PermissionDenied):
        services.accesses_revoke(actor=people.leaver, access_ids=[rows[0].pk], note="Mine.")
    with pytest.raises(NotFound):
        services.accesses_revoke(actor=people.stranger, access_ids=[rows[0].pk], note="Nope.")
    done = services.accesses_revoke(actor=people.manager, access_ids=[row.pk for row in rows], note="Off.")
    assert {row.state for row in done} == {AccessState.REVOKED}


def test_only_hr_and_it_reach_the_bulk_revocation(client, make_case, people, system):
    _departure, rows = _overdue_case(make_case, people, system, people.leaver)
    url = reverse("handover:accesses_revoke")
    for user in (people.manager, people.successor_a, people.stranger):
        client.force_login(user)
        assert client.get(url, {"access": [rows[0].pk]}).status_code == 404
