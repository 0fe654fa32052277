"""Privacy: the retention HR sets, cases anonymised once it has run out (their sealed confirmations
kept under legal hold until their own retention ends), a person's data for them to download, and
HR's erasure of a person. What each does to each table is ``handover.privacy``'s to say."""

import io
import json
import logging
import time
import zipfile
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import PureWindowsPath
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from accounts.models import User
from accounts.signals import end_sessions
from handover import policy, privacy
from handover.documents.storage import document_storage, upload_storage
from handover.errors import HandoverError
from handover.models import (
    AlumniConsent,
    ChatChannel,
    ConfirmationDocument,
    Departure,
    EventKind,
    ImportPreview,
    Material,
    NoticePreference,
    Notification,
    OutboxMessage,
    OutboxState,
    PendingFileDeletion,
    PrivacyAct,
    PrivacyRecord,
    RehireNote,
    Retention,
    Signature,
    StoredFile,
    TemplateVersion,
)
from handover.permissions import sync_case_permissions

from ._base import lock_case, record

log = logging.getLogger(__name__)

# Cases anonymised per run of the daily task (each is one transaction).
SWEEP_BATCH = 200
# A run goes on, a batch at a time, for up to this long: years of history past their retention
# are caught up in a night or two rather than in weeks of one batch a night.
SWEEP_SECONDS = 10 * 60
# How long the mail sent is kept (the outbox is also the record of what reached whom).
SENT_MAIL_KEPT_DAYS = 90


def note(act: PrivacyAct, actor: User | None, subject: str = "") -> PrivacyRecord:
    return PrivacyRecord.objects.create(
        act=act,
        actor=actor,
        actor_name=actor.name if actor is not None else "Handover",
        subject=subject[:200],
    )


def retention_set(*, actor: User, case_months: int, confirmation_years: int) -> bool:
    """HR sets how long cases and confirmations are kept. False when these are the periods already
    in force: nothing is saved or recorded."""
    if not policy.may_manage_privacy(actor):
        raise HandoverError(policy.NOT_YOURS)
    if confirmation_years * 12 < case_months:
        raise HandoverError(
            _("Sealed confirmations must be kept at least as long as the cases they confirm.")
        )
    retention = Retention.current()
    if (retention.case_months, retention.confirmation_years) == (case_months, confirmation_years):
        return False
    retention.case_months = case_months
    retention.confirmation_years = confirmation_years
    retention.updated_by_name = actor.name
    retention.save()
    # As numbers: each reader reads them in their own language (PrivacyRecord.subject_text).
    note(PrivacyAct.RETENTION_SET, actor, f"{case_months}/{confirmation_years}")
    return True


# ---------------------------------------------------------------------------------------------
# Anonymising a case.


def _named_people(case_id: int) -> set[int]:
    """Everyone an account field of the case's tables names."""
    people: set[int] = set()
    for table in privacy.TABLES:
        accounts = [account for _name, account in table.names if account]
        if table.about:
            accounts.append(table.about)
        for row in table.rows([case_id]).values_list(*accounts) if accounts else ():
            people.update(person for person in row if person)
    return people


def case_parts(departure: Departure) -> dict[int, str]:
    """Each person's part on the case, in the active language."""
    successors = list(
        departure.modules.exclude(successor=None)
        .order_by("position", "pk")
        .values_list("successor_id", flat=True)
    )
    return privacy.parts(departure, successors, _named_people(departure.pk))


def _scrubber(case_id: int, parts: dict[int, str], only: int | None = None) -> privacy.Scrubber:
    """Replaces the names of the case's people (or of ``only``) as their accounts give them and as
    they were written down at the time."""
    replacements: dict[str, str] = {}
    for person in User.objects.filter(pk__in=[only] if only else list(parts)):
        for name in privacy.names_of(person):
            replacements[name] = parts[person.pk]
    for table in privacy.TABLES:
        for name_field, account in table.names:
            if not account:
                continue
            rows = table.rows([case_id]).exclude(**{name_field: ""})
            if only is not None:
                rows = rows.filter(**{account: only})
            for written, person in rows.values_list(name_field, account).distinct():
                if person in parts:
                    replacements.setdefault(written, parts[person])
    return privacy.Scrubber(replacements)


def _rewrite(
    table: privacy.Table, rows, name_of, scrub: privacy.Scrubber, texts: tuple[str, ...] = ()
) -> None:
    """Names replaced (``name_of(written, person)``) and the know-how (and ``texts``) scrubbed, row
    by row, in batches."""
    names = [name for name, _account in table.names]
    scrubbed = list(dict.fromkeys([*table.know_how, *texts]))
    fields = names + scrubbed
    if not fields:
        return
    accounts = [account for _name, account in table.names if account]
    changed: list[Model] = []
    for row in rows.values("pk", *fields, *accounts).iterator(chunk_size=1000):
        values = {}
        for name, account in table.names:
            values[name] = name_of(row[name], row[account] if account else None)
        for text in scrubbed:
            values[text] = scrub(row[text])
        if any(values[key] != row[key] for key in fields):
            changed.append(table.model(pk=row["pk"], **values))
    if changed:
        table.model._default_manager.bulk_update(changed, fields, batch_size=500)


def _erase(table: privacy.Table, rows) -> None:
    if table.erased:
        chosen = rows.filter(table.erased_only) if table.erased_only is not None else rows
        chosen.update(**{name: privacy.empty(table.model, name) for name in table.erased})


def case_anonymise(*, departure_id: int, actor: User | None = None) -> bool:
    """Replace the names of a closed or withdrawn case, erase what is about its people, delete its
    files, notifications and mail. The sealed confirmations stay (legal hold). False when there was
    nothing to do (already anonymised, or not ended)."""
    files: list[str] = []
    with transaction.atomic():
        departure = lock_case(departure_id)
        if not policy.may_anonymise(departure.state, departure.anonymised_at):
            return False
        with translation.override(departure.language):
            parts = case_parts(departure)
            scrub = _scrubber(departure.pk, parts)

            def name_of(written: str, person: int | None) -> str:
                return parts[person] if person in parts else scrub.name(written)

            for table in privacy.TABLES:
                if table.model is AlumniConsent:
                    continue
                rows = table.rows([departure.pk])
                for field in table.files:
                    files.extend(rows.exclude(**{field: ""}).values_list(field, flat=True))
                    rows.update(**{field: ""})
                _erase(table, rows)
                _rewrite(table, rows, name_of, scrub)
            for model in privacy.DELETED:
                model._default_manager.filter(departure=departure).delete()
            departure.anonymised_at = timezone.now()
            Departure.objects.filter(pk=departure.pk).update(anonymised_at=departure.anonymised_at)
            # Whoever was on it still reads it; nobody acts on it any more.
            sync_case_permissions(departure)
            record(departure, None, EventKind.ANONYMISED)
        note(PrivacyAct.CASE_ANONYMISED, actor, departure.number)
        _let_go(StoredFile.UPLOADS, files)
    return True


def _let_go(storage: StoredFile, names: Iterable[str]) -> None:
    """These files go once the transaction commits; until the storage confirms it, they stay on
    the list the nightly run works through."""
    pending = PendingFileDeletion.objects.bulk_create(
        PendingFileDeletion(storage=storage, name=name) for name in dict.fromkeys(names) if name
    )
    if pending:
        transaction.on_commit(partial(delete_pending_files, [row.pk for row in pending]))


def delete_pending_files(ids: list[int] | None = None) -> int:
    """Delete the files on the list (these, or the oldest of all): each one the storage confirms
    leaves the list, each failure is counted and kept for the next run. How many went."""
    rows = PendingFileDeletion.objects.order_by("pk")
    chosen = rows.filter(pk__in=ids) if ids is not None else rows[: SWEEP_BATCH * 5]
    storages = {StoredFile.UPLOADS: upload_storage(), StoredFile.DOCUMENTS: document_storage()}
    deleted = 0
    for row in chosen:
        try:
            storages[StoredFile(row.storage)].delete(row.name)
        # Whatever the storage answered (a network error, a refusal): tried again tomorrow.
        except Exception as error:
            log.warning("could not delete stored file %s (%s)", row.pk, error.__class__.__name__)
            PendingFileDeletion.objects.filter(pk=row.pk).update(
                attempts=row.attempts + 1, last_error=error.__class__.__name__[:200]
            )
        else:
            row.delete()
            deleted += 1
    return deleted


def retention_due(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The ends before which a case is anonymised, and before which its confirmations are deleted."""
    now = now or timezone.now()
    retention = Retention.current()
    return (
        privacy.month_ago(now, retention.case_months),
        privacy.month_ago(now, retention.confirmation_years * 12),
    )


def retention_apply(now: datetime | None = None, *, seconds: float = SWEEP_SECONDS) -> tuple[int, int]:
    """The daily task: anonymise the cases whose retention ran out (oldest first), then delete the
    confirmations whose legal hold ended, ``SWEEP_BATCH`` at a time while ``seconds`` last. How
    many of each."""
    ends = time.monotonic() + seconds
    # Files an earlier run could not delete (the storage failed then), and old mail.
    delete_pending_files()
    purge_sent_mail(now)
    cases_before, documents_before = retention_due(now)
    due = Departure.objects.filter(
        state__in=privacy.ENDED_STATES, anonymised_at=None, ended_at__lt=cases_before
    ).order_by("ended_at", "pk")
    anonymised = 0
    while True:
        batch = list(due.values_list("pk", "employee_id")[:SWEEP_BATCH])
        done = sum(case_anonymise(departure_id=case_id) for case_id, _employee in batch)
        for employee_id in {employee for _case, employee in batch}:
            _erase_if_gone(employee_id)
        anonymised += done
        if len(batch) < SWEEP_BATCH or not done or time.monotonic() > ends:
            break
    deleted = 0
    expired = ConfirmationDocument.objects.filter(
        file_deleted_at=None, departure__anonymised_at__isnull=False, departure__ended_at__lt=documents_before
    ).select_related("departure")
    while True:
        documents = list(expired[:SWEEP_BATCH])
        for document in documents:
            deleted += _confirmation_delete(document)
        if len(documents) < SWEEP_BATCH or time.monotonic() > ends:
            break
    return anonymised, deleted


def _erase_if_gone(person_id: int) -> bool:
    """A former employee (account off) whose every case is now anonymised keeps nothing either:
    their account keeps only its number. Someone rehired since (account on) keeps theirs."""
    person = User.objects.filter(pk=person_id, is_active=False).first()
    if person is None:
        return False
    named = Departure.objects.filter(pk__in=person_cases(person_id), anonymised_at=None).exists()
    if not policy.erased_with_last_case(person, named):
        return False
    with transaction.atomic():
        _erase_account(person)
        note(PrivacyAct.PERSON_ERASED, None, f"#{person_id}")
    return True


def _confirmation_delete(document: ConfirmationDocument) -> int:
    """The legal hold ended: the file goes, the record stays (a copy still verifies). 1 if deleted."""
    with transaction.atomic():
        if not ConfirmationDocument.objects.filter(pk=document.pk, file_deleted_at=None).update(
            file_deleted_at=timezone.now()
        ):
            return 0
        note(PrivacyAct.CONFIRMATION_DELETED, None, f"{document.departure.number} v{document.version}")
        _let_go(StoredFile.DOCUMENTS, [document.file_name])
    return 1


# ---------------------------------------------------------------------------------------------
# One person: what is held about them, their download, their erasure.


def person_cases(person_id: int) -> set[int]:
    """The cases that name this person anywhere (one query)."""
    first, *others = [
        table.model._default_manager.filter(**{account: person_id})
        .order_by()
        .values_list(table.case, flat=True)
        for table in privacy.TABLES
        for account in dict.fromkeys([*(account for _name, account in table.names if account), table.about])
        if account
    ]
    return set(first.union(*others))


def open_cases_of(cases: Iterable[int]) -> list[str]:
    """The numbers of those of these cases that have not ended (an erasure waits for them)."""
    return list(
        Departure.objects.filter(pk__in=list(cases))
        .exclude(state__in=privacy.ENDED_STATES)
        .order_by("number")
        .values_list("number", flat=True)
    )


def person_erase(*, actor: User, person: User) -> int:
    """HR erases a person who left: their own cases are anonymised now, their names on other cases
    replaced by their part and what was written about them there erased; their account keeps only
    its number. How many cases it touched."""
    cases = person_cases(person.pk)
    policy.person_erase_decision(actor, person, open_cases_of(cases)).enforce()
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        own = set(Departure.objects.filter(pk__in=cases, employee=person).values_list("pk", flat=True))
        for case_id in sorted(own):
            case_anonymise(departure_id=case_id, actor=actor)
        for case_id in sorted(cases - own):
            _erase_on_case(case_id, person)
        _erase_in_digests(person)
        _erase_account(person)
        note(PrivacyAct.PERSON_ERASED, actor, f"#{person.pk}")
    return len(cases)


def _erase_on_case(case_id: int, person: User) -> None:
    departure = lock_case(case_id)
    with translation.override(departure.language):
        parts = case_parts(departure)
        part = parts.get(person.pk, privacy.colleague())
        scrub = _scrubber(case_id, {**parts, person.pk: part}, only=person.pk)

        def name_of(written: str, account: int | None) -> str:
            if account == person.pk:
                return part
            return scrub(written) if written and account is None else written

        for table in privacy.TABLES:
            rows = table.rows([case_id])
            if table.about and table.model is not AlumniConsent:
                _erase(table, rows.filter(**{table.about: person.pk}))
            # What is erased only when about them (an announcement, a note on someone else) loses
            # their name where it mentions them.
            _rewrite(table, rows, name_of, scrub, texts=privacy.written(table.model, table.erased))
        # What the others were told about the case ("Sam Lee accepted 3 items") loses it too.
        for table in MESSAGES:
            _rewrite(table, table.rows([case_id]), name_of, scrub)


# What people were told, as their texts: rewritten where an erased person is named.
MESSAGES = (
    privacy.Table(Notification, "departure", know_how=("title", "body")),
    privacy.Table(OutboxMessage, "departure", know_how=("subject", "text", "html")),
)


def _erase_in_digests(person: User) -> None:
    """Mail that is about no one case (a digest of several) names the person as a colleague."""
    names = [name for name in privacy.names_of(person) if privacy.searchable(name)]
    if not names:
        return
    scrub = privacy.Scrubber(dict.fromkeys(names, privacy.colleague()))
    mentioned = Q()
    for name in names:
        mentioned |= Q(subject__icontains=name) | Q(text__icontains=name)
    rows = OutboxMessage.objects.filter(mentioned, departure=None).exclude(user=person)
    _rewrite(MESSAGES[1], rows, lambda written, _account: written, scrub)


def purge_sent_mail(now: datetime | None = None) -> int:
    """Mail sent more than SENT_MAIL_KEPT_DAYS ago is deleted, once its case has ended (an open
    case's reminders are keyed on what was sent) or when it belongs to no case (a digest)."""
    before = (now or timezone.now()) - timedelta(days=SENT_MAIL_KEPT_DAYS)
    ended = Q(departure=None) | Q(departure__state__in=privacy.ENDED_STATES)
    sent = OutboxMessage.objects.filter(ended, state=OutboxState.SENT, sent_at__lt=before)
    deleted, _kinds = OutboxMessage.objects.filter(
        pk__in=list(sent.values_list("pk", flat=True)[:5000])
    ).delete()
    return deleted


def _erase_account(person: User) -> None:
    """The account keeps its number (cases still point to it) and nothing else of the person."""
    AlumniConsent.objects.filter(person=person).delete()
    Notification.objects.filter(user=person).delete()
    OutboxMessage.objects.filter(user=person).delete()
    NoticePreference.objects.filter(user=person).delete()
    ChatChannel.objects.filter(owner=person).delete()
    ImportPreview.objects.filter(user=person).delete()
    TemplateVersion.objects.filter(author=person).update(author_name=privacy.colleague())
    PrivacyRecord.objects.filter(actor=person).update(actor_name=privacy.colleague())
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username=person.username).delete()
    for device in devices_for_user(person, confirmed=None):
        device.delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(person.pk)
    ).update(object_repr=f"#{person.pk}", change_message="")
    end_sessions(person)
    person.username = f"{policy.ERASED_USERNAME_PREFIX}{person.pk}"
    person.first_name = person.last_name = person.display_name = person.email = person.job_title = ""
    person.time_zone = ""
    person.quiet_from = person.quiet_until = None
    person.department = None
    person.is_active = False
    person.set_unusable_password()
    person.save()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    return value


def person_data(person: User) -> tuple[dict[str, Any], list[tuple[str, bytes | None, str]]]:
    """Everything held about a person: the data, and the files as (path in the archive, content
    read now or None, stored name): the files of the materials of their own departures, their drawn
    signatures, and the confirmations of their own departures that are still kept."""
    account = {
        "account_number": person.pk,
        "username": person.username,
        "display_name": person.display_name,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "job_title": person.job_title,
        "department": person.department.name if person.department is not None else "",
        "roles": sorted(person.role_names),
        "language": person.language,
        "time_zone": person.time_zone,
        "quiet_hours": [_plain(person.quiet_from), _plain(person.quiet_until)],
        "active": person.is_active,
        "joined": _plain(person.date_joined),
        "last_login": _plain(person.last_login),
        "two_factor_devices": [type(device).__name__ for device in devices_for_user(person, confirmed=True)],
    }
    cases_held = person_cases(person.pk)
    numbers = dict(Departure.objects.filter(pk__in=cases_held).values_list("pk", "number"))
    tables: dict[str, list[dict[str, Any]]] = {}
    files: list[tuple[str, bytes | None, str]] = []
    for table in privacy.TABLES:
        accounts = [account for _name, account in table.names if account] + (
            [table.about] if table.about else []
        )
        if not accounts:
            continue
        fields = [
            field.name
            for field in table.model._meta.concrete_fields
            if field.name not in ("secret_token", "secret_key_id") and not field.is_relation
        ]
        chosen = table.model._default_manager.none()
        for field_name in dict.fromkeys(accounts):
            chosen = chosen | table.model._default_manager.filter(**{field_name: person.pk})
        # What a row says about someone else (the leaver's reason on their manager's case, a note
        # on a successor by the manager who wrote it) stays out: only whom it is about reads it.
        withheld = [*table.erased, *table.personal]
        theirs = (
            set(chosen.filter(table.erased_only).values_list("pk", flat=True))
            if table.erased_only is not None
            else None
        )
        about = [table.about] if table.about else []
        rows = []
        for row in chosen.distinct().values("pk", table.case, *about, *[f for f in fields if f != "id"]):
            case_id = row.pop(table.case)
            subject = row.pop(table.about) if table.about else None
            if subject != person.pk:
                for name in withheld:
                    if name in row and (theirs is None or row["pk"] in theirs):
                        row[name] = None
            entry = {key: _plain(value) for key, value in row.items()}
            entry["case"] = numbers.get(case_id, "")
            rows.append(entry)
            if table.model is Signature and row.get("image"):
                files.append((f"signatures/{entry['case']}-{row['pk']}.png", bytes(row["image"]), ""))
        if rows:
            tables[table.model._meta.verbose_name_plural.__str__()] = rows
    # The files the leaver listed with the materials of their own departures.
    own_files = (
        Material.objects.filter(departure__employee=person).exclude(file="").select_related("departure")
    )
    for material in own_files:
        # The name as uploaded, without any folder it may pretend to.
        uploaded = PureWindowsPath(material.file_name or "file").name
        files.append(
            (f"files/{material.departure.number}/{material.pk}-{uploaded}", None, material.file.name)
        )
    for document in ConfirmationDocument.objects.filter(
        departure__employee=person, file_deleted_at=None
    ).select_related("departure"):
        files.append(
            (
                f"confirmations/{document.departure.number}-v{document.version}.pdf",
                None,
                "doc:" + document.file_name,
            )
        )
    # HR's notes on rehiring them, written about them (HR alone reads them in the application).
    rehire_notes = [
        {"case": number, "rehire": rehire, "note": text, "written_by": by, "updated_at": _plain(at)}
        for number, rehire, text, by, at in RehireNote.objects.filter(departure__employee=person)
        .order_by("departure__number")
        .values_list("departure__number", "rehire", "note", "written_by_name", "updated_at")
    ]
    notices = list(
        Notification.objects.filter(user=person)
        .order_by("created_at")
        .values("created_at", "title", "body", "read_at")
    )
    data = {
        "generated_at": timezone.now().isoformat(),
        "account": account,
        "notification_settings": list(NoticePreference.objects.filter(user=person).values("kind", "timing")),
        "notifications": [{key: _plain(value) for key, value in notice.items()} for notice in notices],
        "records": tables,
        "rehire_notes": rehire_notes,
    }
    return data, files


def person_export(*, actor: User, person: User) -> bytes:
    """A ZIP of everything held about ``person`` (data.json and their files), for them or for HR
    answering their request. The download is on the privacy record."""
    if not policy.may_download_data_of(actor, person):
        raise HandoverError(policy.NOT_YOURS)
    data, files = person_data(person)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # Written as it is encoded: the whole text of a busy person's data is never in memory at once.
        with archive.open("data.json", "w") as member, io.TextIOWrapper(member, encoding="utf-8") as text:
            json.dump(data, text, ensure_ascii=False, indent=1, default=str)
        for path, content, stored in files:
            if content is None:
                storage = document_storage() if stored.startswith("doc:") else upload_storage()
                name = stored.removeprefix("doc:")
                if not storage.exists(name):
                    continue
                with storage.open(name, "rb") as handle:
                    content = handle.read()
            archive.writestr(path, content)
    note(PrivacyAct.DATA_EXPORTED, actor, f"#{person.pk}")
    return buffer.getvalue()
