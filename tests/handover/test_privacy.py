"""Privacy: retention and anonymisation with the legal hold, a person's download, HR's erasure."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from handover import privacy, services
from handover.documents.storage import document_storage, upload_storage
from handover.errors import HandoverError, NotFound
from handover.models import (
    Channel,
    CheckIn,
    ConfirmationDocument,
    Departure,
    Event,
    EventKind,
    Lesson,
    Material,
    Notification,
    OutboxMessage,
    OutboxState,
    PendingFileDeletion,
    PrivacyAct,
    PrivacyRecord,
    Rehire,
    RehireNote,
    Retention,
    State,
)
from handover.models.events import EVENT_SENTENCES
from handover.permissions import RECEIVE, VIEW, case_access
from tests.conftest import advance
from tests.factories import UserFactory

NAMES = ("Leo Leaver", "Mia Manager", "Hana HR", "Sam Successor", "Bea Successor")
TEXT_FIELDS = (
    models.CharField,
    models.TextField,
    models.BinaryField,
    models.GenericIPAddressField,
    models.FileField,
    models.JSONField,
)
# Tables that are not a case's: the checklist templates, the catalogue, chats, the privacy record.
NOT_A_CASE = {
    "ChecklistTemplate",
    "TemplateItem",
    "TemplateVersion",
    "AccessSystem",
    "ChatChannel",
    "NoticePreference",
    "Retention",
    "PrivacyRecord",
    "PendingFileDeletion",
    "DepartureUserObjectPermission",
    "DepartureGroupObjectPermission",
}


def text_fields(model) -> set[str]:
    return {
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, TEXT_FIELDS) and not field.choices and not field.is_relation
    }


def test_every_text_field_of_a_case_is_sorted_once():
    """A field added to a case's tables must be given a fate here (or the test says which)."""
    classified = {table.model for table in privacy.TABLES} | set(privacy.DELETED)
    for model in apps.get_app_config("handover").get_models():
        if model.__name__ in NOT_A_CASE:
            continue
        assert model in classified, f"{model.__name__} is not in handover.privacy"
    for table in privacy.TABLES:
        names = [name for name, _account in table.names]
        sorted_out = names + list(table.know_how) + list(table.kept) + list(table.files)
        erased = [name for name in table.erased if table.erased_only is None or name not in table.know_how]
        listed = sorted_out + erased
        assert len(listed) == len(set(listed)), f"{table.model.__name__}: a field is sorted twice"
        assert set(listed) == text_fields(table.model), table.model.__name__


def material_file(departure, people) -> Material:
    module = departure.modules.get(kind="product")
    upload = SimpleUploadedFile("price-list.csv", b"sku,price\nA1,10\n", content_type="text/csv")
    return services.material_create(
        actor=people.leaver,
        departure=departure,
        module=module,
        title="Price list kept by Leo Leaver",
        category="document",
        location="Shared drive",
        medium="electronic",
        importance="high",
        upload=upload,
    )


@pytest.fixture
def closed_case(make_case, people) -> Departure:
    departure = make_case(State.PREPARING)
    material = material_file(departure, people)
    module = departure.modules.get(kind="product")
    services.lesson_add(
        actor=people.leaver,
        departure=departure,
        module_id=module.pk,
        went_wrong="Sam Successor missed the promotion calendar",
        solved="Leo Leaver showed it again",
    )
    departure = advance(departure, people, State.SIGNED_OFF)
    services.confirmation_produce(departure_id=departure.pk)
    departure = advance(departure, people, State.CLOSED)
    departure.stored_file = material.file.name
    return departure


def every_text(departure: Departure) -> str:
    """Every text of every row of the case, joined."""
    parts = []
    for table in privacy.TABLES:
        fields = [
            f
            for f in text_fields(table.model)
            if not isinstance(table.model._meta.get_field(f), models.BinaryField)
        ]
        for row in table.rows([departure.pk]).values_list(*fields):
            parts.extend(str(value) for value in row if value)
    return "\n".join(parts)


def test_anonymising_a_closed_case_replaces_names_erases_personal_texts_and_keeps_the_sealed_confirmation(
    closed_case, people, django_capture_on_commit_callbacks
):
    assert any(name in every_text(closed_case) for name in NAMES)
    document = ConfirmationDocument.objects.get(departure=closed_case, superseded_at=None)
    assert upload_storage().exists(closed_case.stored_file)
    Notification.objects.create(
        user=people.leaver, kind="reminder", departure=closed_case, title="Leo Leaver", link="/", key="k1"
    )
    # Events that copy what was written about people (feedback, a correction's or an extension's
    # reason) lose it with the texts they copy.
    for kind in (EventKind.TRIAL_REWORK, EventKind.DOCUMENT_REISSUED, EventKind.SUPPORT_EXTENDED):
        Event.objects.create(
            departure=closed_case, kind=kind, actor_name="Hana HR", subject="his divorce shows"
        )
    assert case_access(people.successor_a, closed_case).is_successor

    with django_capture_on_commit_callbacks(execute=True):
        assert services.case_anonymise(departure_id=closed_case.pk) is True

    departure = Departure.objects.get(pk=closed_case.pk)
    text = every_text(departure)
    for name in NAMES:
        assert name not in text
    assert departure.employee_name == "Former employee"
    assert departure.manager_name == "Manager"
    assert departure.hr_owner_name == "HR owner"
    assert sorted(departure.modules.exclude(successor=None).values_list("successor_name", flat=True)) == [
        "Successor 1",
        "Successor 2",
    ]
    assert departure.reason_text == "" and departure.anonymised_at is not None
    # What the company learnt stays, without the names.
    lesson = Lesson.objects.get(departure=departure)
    assert lesson.went_wrong == "Successor 1 missed the promotion calendar"
    assert lesson.solved == "Former employee showed it again"
    assert Material.objects.get(departure=departure).title == "Price list kept by Former employee"
    assert not upload_storage().exists(closed_case.stored_file)
    assert not Notification.objects.filter(departure=departure).exists()
    assert not departure.signatures.exclude(ip_address=None).exists()
    # The sealed confirmation stays as it was, under legal hold.
    assert document_storage().exists(document.file_name)
    assert Event.objects.filter(departure=departure, kind=EventKind.ANONYMISED, actor=None).exists()
    assert not Event.objects.filter(departure=departure, subject__contains="divorce").exists()
    assert PrivacyRecord.objects.filter(act=PrivacyAct.CASE_ANONYMISED, subject=departure.number).exists()
    assert not PendingFileDeletion.objects.exists()
    # Twice is once.
    assert services.case_anonymise(departure_id=closed_case.pk) is False


def test_an_anonymised_case_is_read_not_written(client, closed_case, people):
    services.case_anonymise(departure_id=closed_case.pk)
    departure = Departure.objects.get(pk=closed_case.pk)
    client.force_login(people.hr)
    timeline = client.get(reverse("handover:case_timeline", args=[departure.pk]))
    assert timeline.status_code == 200
    assert "The case was anonymised" in timeline.content.decode()
    # Whoever was on it still reads it; nobody acts on it (nothing names anyone again).
    successor = case_access(people.successor_a, departure)
    assert successor.perms == {VIEW} and RECEIVE not in successor.perms
    assert not case_access(people.hr, departure).is_owner
    with pytest.raises(PermissionDenied):
        services.confirmation_reissue(actor=people.hr, departure=departure, reason="Leo Leaver's dates")
    with pytest.raises(NotFound):
        services.rehire_note_save(actor=people.hr, departure=departure, rehire=Rehire.NO, note="Leo Leaver")
    assert not RehireNote.objects.exists()


def test_every_event_kind_is_told_on_the_timeline():
    assert set(EVENT_SENTENCES) == set(EventKind)


def test_a_single_word_name_is_not_searched_in_the_know_how(closed_case, people):
    """A username or a one-word name ("orders") is too likely to be an ordinary word of what is kept."""
    people.successor_a.username = "orders"
    people.successor_a.display_name = "Orders"
    people.successor_a.save()
    lesson = Lesson.objects.get(departure=closed_case)
    lesson.watch = "Check orders every morning; Sam Successor knows why"
    lesson.save()
    services.case_anonymise(departure_id=closed_case.pk)
    lesson.refresh_from_db()
    assert lesson.watch == "Check orders every morning; Successor 1 knows why"


def test_a_file_the_storage_failed_to_delete_is_deleted_by_the_next_run(
    closed_case, people, monkeypatch, django_capture_on_commit_callbacks
):
    storage = upload_storage()
    delete = type(storage).delete

    def refuse(self, name):
        raise OSError("storage unreachable")

    monkeypatch.setattr(type(storage), "delete", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_anonymise(departure_id=closed_case.pk)
    pending = PendingFileDeletion.objects.get()
    assert pending.name == closed_case.stored_file and pending.attempts == 1
    assert pending.last_error == "OSError" and storage.exists(closed_case.stored_file)

    monkeypatch.setattr(type(storage), "delete", delete)
    services.retention_apply(seconds=0)
    assert not PendingFileDeletion.objects.exists()
    assert not storage.exists(closed_case.stored_file)


def test_a_case_under_way_is_never_anonymised(make_case):
    departure = make_case(State.EXECUTING)
    assert services.case_anonymise(departure_id=departure.pk) is False
    assert Departure.objects.get(pk=departure.pk).employee_name == "Leo Leaver"


def test_the_chinese_case_reads_its_parts_in_chinese(make_case, people):
    departure = make_case(State.WITHDRAWN, language="zh-hans")
    services.case_anonymise(departure_id=departure.pk)
    departure.refresh_from_db()
    assert departure.employee_name == "离职员工"
    # A withdrawal's reason, on the timeline, is erased.
    assert (
        not Event.objects.filter(departure=departure, to_state=State.WITHDRAWN).exclude(subject="").exists()
    )


def test_the_daily_run_follows_the_retention_hr_set(closed_case, people, django_capture_on_commit_callbacks):
    services.retention_set(actor=people.hr, case_months=12, confirmation_years=2)
    document = ConfirmationDocument.objects.filter(departure=closed_case).first()
    now = timezone.now()
    assert services.retention_apply(now + timedelta(days=360)) == (0, 0)
    assert services.retention_apply(now + timedelta(days=370)) == (1, 0)
    assert Departure.objects.get(pk=closed_case.pk).anonymised_at is not None
    # The confirmation's own retention: two years from the case's end.
    assert services.retention_apply(now + timedelta(days=700)) == (0, 0)
    deleted = ConfirmationDocument.objects.filter(departure=closed_case).count()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.retention_apply(now + timedelta(days=740)) == (0, deleted)
    document.refresh_from_db()
    assert document.file_deleted_at is not None
    assert not document_storage().exists(document.file_name)
    record = PrivacyRecord.objects.filter(act=PrivacyAct.CONFIRMATION_DELETED).first()
    assert record is not None and record.subject.startswith(closed_case.number)


def test_the_deleted_confirmation_is_explained_not_a_500(client, closed_case, people):
    ConfirmationDocument.objects.filter(departure=closed_case).update(file_deleted_at=timezone.now())
    client.force_login(people.hr)
    response = client.get(reverse("handover:confirmation_pdf", args=[closed_case.pk]), follow=True)
    assert response.status_code == 200
    assert "deleted at the end of its retention" in response.content.decode()


def test_retention_refuses_confirmations_kept_shorter_than_cases(client, people):
    client.force_login(people.hr)
    url = reverse("handover:privacy_settings")
    response = client.post(url, {"case_months": "60", "confirmation_years": "2"})
    assert response.status_code == 200
    assert "at least as long as the cases" in response.content.decode()
    response = client.post(url, {"case_months": "0", "confirmation_years": "abc"})
    assert response.status_code == 200
    assert not Retention.objects.exists()
    response = client.post(url, {"case_months": "36", "confirmation_years": "10"})
    assert response.status_code == 302
    assert Retention.current().case_months == 36
    assert PrivacyRecord.objects.filter(act=PrivacyAct.RETENTION_SET, actor=people.hr).exists()


def test_setting_the_periods_in_force_saves_and_records_nothing(people):
    assert services.retention_set(actor=people.hr, case_months=24, confirmation_years=10) is False
    assert not Retention.objects.exists() and not PrivacyRecord.objects.exists()
    assert services.retention_set(actor=people.hr, case_months=18, confirmation_years=10) is True
    assert services.retention_set(actor=people.hr, case_months=18, confirmation_years=10) is False
    assert PrivacyRecord.objects.filter(act=PrivacyAct.RETENTION_SET).count() == 1


def test_the_notice_is_public_and_reads_the_retention(client, people):
    services.retention_set(actor=people.hr, case_months=18, confirmation_years=7)
    page = client.get(reverse("handover:privacy_notice")).content.decode()
    assert "A case is kept for 18 months" in page
    assert "kept unchanged for 7 years" in page


def download(client, url: str) -> tuple[dict, list[str]]:
    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return json.loads(archive.read("data.json")), archive.namelist()


def test_a_person_downloads_everything_held_about_them(client, closed_case, people):
    client.force_login(people.leaver)
    data, names = download(client, reverse("handover:my_data"))
    assert data["account"]["username"] == "leaver"
    cases = data["records"]["departure cases"]
    assert cases[0]["reason_text"] == "A new role closer to home."
    assert any(name.startswith("confirmations/") and name.endswith(".pdf") for name in names)
    assert any(
        name.startswith(f"files/{closed_case.number}/") and name.endswith("-price-list.csv") for name in names
    )
    assert any(name.startswith("signatures/") for name in names) or "signatures" in data["records"]
    assert PrivacyRecord.objects.filter(act=PrivacyAct.DATA_EXPORTED, subject=f"#{people.leaver.pk}").exists()
    assert cases[0]["reason_category"] == "career"
    assert data["rehire_notes"] == []
    RehireNote.objects.create(
        departure=closed_case, rehire=Rehire.YES, note="Strong", written_by_name="Hana HR"
    )
    data, names = download(client, reverse("handover:my_data"))
    assert [(note["case"], note["note"]) for note in data["rehire_notes"]] == [(closed_case.number, "Strong")]
    # Their manager's download names the case, not what it says about the leaver.
    client.force_login(people.manager)
    data, names = download(client, reverse("handover:my_data"))
    case = data["records"]["departure cases"][0]
    assert case["manager_name"] == "Mia Manager" and case["number"] == closed_case.number
    for about_the_leaver in ("reason_text", "employee_title", "aftercare_email", "reason_category"):
        assert case[about_the_leaver] is None, about_the_leaver
    assert data["rehire_notes"] == [] and "Strong" not in json.dumps(data)
    # Someone else's download holds none of it.
    client.force_login(people.stranger)
    data, names = download(client, reverse("handover:my_data"))
    assert data["records"] == {} and names == ["data.json"]


def test_the_cases_that_name_a_person_are_paged_newest_first(client, make_case, people, monkeypatch):
    monkeypatch.setattr("handover.views.privacy.PAGE_SIZE", 2)
    numbers = [make_case(employee=UserFactory()).number for _ in range(3)]
    client.force_login(people.manager)
    first = client.get(reverse("handover:my_data")).content.decode()
    second = client.get(reverse("handover:my_data"), {"page": 2}).content.decode()
    assert "3 cases." in first and "3 cases." in second
    assert numbers[2] in first and numbers[1] in first and numbers[0] not in first
    assert numbers[0] in second and numbers[2] not in second
    client.force_login(people.hr)
    person = client.get(reverse("handover:privacy_person", args=[people.manager.pk]), {"page": "x"})
    assert numbers[2] in person.content.decode() and numbers[0] not in person.content.decode()


def test_hr_erases_a_person_who_left_once_the_law_allows(client, closed_case, make_case, people):
    client.force_login(people.hr)
    url = reverse("handover:privacy_person", args=[people.successor_a.pk])
    page = client.get(url).content.decode()
    assert "still active" in page and 'name="confirm"' not in page

    under_way = make_case(State.EXECUTING, employee=people.stranger)
    people.successor_a.is_active = False
    people.successor_a.save()
    page = client.get(url).content.decode()
    assert under_way.number in page and 'name="confirm"' not in page

    services.departure_withdraw(actor=people.hr, departure=under_way, reason="Stays")
    module = closed_case.modules.get(successor=people.successor_a)
    CheckIn.objects.create(
        departure=closed_case,
        module=module,
        author=people.manager,
        author_name="Mia Manager",
        confidence="at_risk",
        note="Sam Successor is slow",
    )
    response = client.post(url, {})
    assert "Tick the box" in response.content.decode()
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302

    person = User.objects.get(pk=people.successor_a.pk)
    assert person.username == f"erased-{person.pk}"
    assert person.display_name == person.email == "" and not person.has_usable_password()
    module.refresh_from_db()
    assert module.successor_name == "Successor 1"
    assert CheckIn.objects.get(module=module).note == ""
    assert "Sam Successor" not in every_text(closed_case)
    # The others keep their names: the case is not anonymised for them.
    assert Departure.objects.get(pk=closed_case.pk).employee_name == "Leo Leaver"
    record = PrivacyRecord.objects.get(act=PrivacyAct.PERSON_ERASED)
    assert record.subject == f"#{person.pk}" and "Sam" not in record.subject
    page = client.get(url).content.decode()
    assert "already erased" in page


def outbox(people, key: str, departure=None, **fields) -> OutboxMessage:
    values = {
        "key": key,
        "channel": Channel.MAIL,
        "kind": "digest",
        "user": people.manager,
        "address": "mia@example.com",
        "departure": departure,
        "subject": "Your day",
        "text": "HO-1 · Sam Successor accepted 3 items",
        "not_before": timezone.now(),
        **fields,
    }
    return OutboxMessage.objects.create(**values)


def test_erasing_a_person_rewrites_what_the_others_were_told_about_them(closed_case, people):
    Notification.objects.create(
        user=people.manager,
        kind="reminder",
        departure=closed_case,
        title="Sam Successor accepted 3 items",
        link="/",
        key="n1",
    )
    on_case = outbox(people, "o1", closed_case)
    digest = outbox(people, "o2")
    unrelated = outbox(people, "o3", text="Bea Successor accepted 2 items")
    people.successor_a.is_active = False
    people.successor_a.save()
    services.person_erase(actor=people.hr, person=people.successor_a)
    assert Notification.objects.get(key="n1").title == "Successor 1 accepted 3 items"
    on_case.refresh_from_db()
    digest.refresh_from_db()
    unrelated.refresh_from_db()
    assert on_case.text == "HO-1 · Successor 1 accepted 3 items"
    assert digest.text == "HO-1 · Colleague accepted 3 items"
    assert unrelated.text == "Bea Successor accepted 2 items"


def test_mail_sent_long_ago_is_deleted_once_its_case_ended(closed_case, make_case, people):
    long_ago = timezone.now() - timedelta(days=services.privacy.SENT_MAIL_KEPT_DAYS + 1)
    sent = {"state": OutboxState.SENT, "sent_at": long_ago}
    old_digest = outbox(people, "digest", **sent)
    old_on_ended = outbox(people, "ended", closed_case, **sent)
    open_case = make_case(State.EXECUTING, employee=people.stranger)
    old_on_open = outbox(people, "open", open_case, **sent)
    recent = outbox(people, "recent", state=OutboxState.SENT, sent_at=timezone.now())
    waiting = outbox(people, "waiting")
    assert services.privacy.purge_sent_mail() == 2
    mine = [old_digest.pk, old_on_ended.pk, old_on_open.pk, recent.pk, waiting.pk]
    left = set(OutboxMessage.objects.filter(pk__in=mine).values_list("pk", flat=True))
    assert left == {old_on_open.pk, recent.pk, waiting.pk}


def test_hr_cannot_erase_themselves(people):
    people.hr.is_active = True
    with pytest.raises(HandoverError):
        services.person_erase(actor=people.hr, person=people.hr)


def test_erasing_the_leaver_anonymises_their_own_case(closed_case, people):
    people.leaver.is_active = False
    people.leaver.save()
    services.person_erase(actor=people.hr, person=people.leaver)
    departure = Departure.objects.get(pk=closed_case.pk)
    assert departure.anonymised_at is not None and departure.employee_name == "Former employee"


ROLES = ["hr", "manager", "leaver", "successor_a", "successor_b", "head", "stranger", "anonymous"]
HR_ONLY = {**dict.fromkeys(ROLES, 404), "hr": "ok", "anonymous": "login"}
SIGNED_IN = {**dict.fromkeys(ROLES, "ok"), "anonymous": "login"}
# name: (method, url builder, expected per role)
PRIVACY_MATRIX = {
    "notice": ("get", lambda p: reverse("handover:privacy_notice"), dict.fromkeys(ROLES, "ok")),
    "your data": ("get", lambda p: reverse("handover:my_data"), SIGNED_IN),
    "download your data": ("post", lambda p: reverse("handover:my_data"), SIGNED_IN),
    "retention": ("get", lambda p: reverse("handover:privacy_settings"), HR_ONLY),
    "set the retention": ("post", lambda p: reverse("handover:privacy_settings"), HR_ONLY),
    "find a person": ("get", lambda p: reverse("handover:privacy_people"), HR_ONLY),
    "a person's page": ("get", lambda p: reverse("handover:privacy_person", args=[p.leaver.pk]), HR_ONLY),
    "erase a person": ("post", lambda p: reverse("handover:privacy_person", args=[p.leaver.pk]), HR_ONLY),
    "download a person's data": (
        "post",
        lambda p: reverse("handover:privacy_person_export", args=[p.leaver.pk]),
        HR_ONLY,
    ),
}
PRIVACY_CASES = [(action, role) for action in PRIVACY_MATRIX for role in ROLES]


@pytest.mark.parametrize(("action", "role"), PRIVACY_CASES, ids=[f"{a}-{r}" for a, r in PRIVACY_CASES])
def test_privacy_permission_matrix(client, people, action, role):
    method, url, expected = PRIVACY_MATRIX[action]
    if role != "anonymous":
        client.force_login(getattr(people, role))
    target = url(people)
    response = client.get(target) if method == "get" else client.post(target, {})
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        got: str | int = "login"
    else:
        got = "ok" if response.status_code == 200 else response.status_code
    assert got == expected[role]
    # An empty form erases nobody; a refused request leaves nothing on the record.
    assert User.objects.get(pk=people.leaver.pk).username == "leaver"
    if got != "ok":
        assert not PrivacyRecord.objects.exists()


def test_a_persons_page_and_download_are_hr_only(client, people):
    for url in (
        reverse("handover:privacy_person", args=[people.leaver.pk]),
        reverse("handover:privacy_person_export", args=[people.leaver.pk]),
    ):
        client.force_login(people.manager)
        assert client.post(url).status_code == 404
    client.force_login(people.hr)
    data, _names = download(client, reverse("handover:privacy_person_export", args=[people.leaver.pk]))
    assert data["account"]["username"] == "leaver"


def test_hr_finds_people_who_left(client, people):
    people.leaver.is_active = False
    people.leaver.save()
    client.force_login(people.hr)
    page = client.get(reverse("handover:privacy_people"), {"q": "leo"}).content.decode()
    assert reverse("handover:privacy_person", args=[people.leaver.pk]) in page
    assert "account off" in page
    assert client.get(reverse("handover:privacy_people"), {"q": "bad\x07"}).status_code == 200


def test_the_former_employee_goes_with_their_last_case_unless_rehired(closed_case, make_case, people):
    later = timezone.now() + timedelta(days=3 * 365)
    services.retention_apply(later)
    # Still working here (their account is on): they keep their account.
    assert User.objects.get(pk=people.leaver.pk).username == "leaver"
    people.leaver.is_active = False
    people.leaver.save()
    make_case(State.WITHDRAWN)
    assert services.retention_apply(later) == (1, 0)
    person = User.objects.get(pk=people.leaver.pk)
    assert person.username == f"erased-{person.pk}" and person.display_name == ""
    assert PrivacyRecord.objects.filter(act=PrivacyAct.PERSON_ERASED, actor=None).count() == 1


def test_a_run_goes_on_batch_after_batch_while_its_time_lasts(make_case, people, monkeypatch):
    from handover.services import privacy as privacy_services

    monkeypatch.setattr(privacy_services, "SWEEP_BATCH", 1)
    for _case in range(3):
        make_case(State.WITHDRAWN)
    later = timezone.now() + timedelta(days=3 * 365)
    assert services.retention_apply(later, seconds=0) == (1, 0)
    assert services.retention_apply(later) == (2, 0)
    assert services.retention_apply(later) == (0, 0)
