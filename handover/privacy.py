"""What anonymising a case does to each of its tables, and what erasing a person does: in one place.

Each table of a case sorts its text fields into:
- ``names``: a person's name, replaced by their part on the case ("Former employee", "Manager",
  "Successor 2"), found from the account field beside it when there is one;
- ``erased``: what is about the people rather than the work (why they leave, how a successor did,
  a signature's address and drawing): emptied;
- ``know_how``: what the company knows how to do (items, manuals, lessons, answers): kept, with
  the names of the case's people in it replaced by their parts;
- ``kept``: codes, hashes and keys, which say nothing about anyone.
``DELETED`` tables only serve the people (their notifications and mail, HR's rehire note): their
rows go. A test holds every text field of every table to exactly one of these.

Erasing one person does the same to what is theirs on other people's cases: their names, the
texts of the rows ``about`` them; their own cases are anonymised whole."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import CharField, Field, Model, Q, TextField
from django.utils.translation import gettext as _

from accounts.models import User
from handover import policy
from handover.models import (
    Access,
    AftercareQuestion,
    AlumniConsent,
    Announcement,
    CheckIn,
    ChecklistItem,
    ConfirmationDocument,
    Demonstration,
    DemonstrationAttendee,
    Departure,
    Event,
    EventKind,
    ExitFeedback,
    FollowUp,
    HandoverMeeting,
    HandoverModule,
    ImportPreview,
    Lesson,
    Manual,
    ManualRevision,
    Material,
    MeetingParticipant,
    Notification,
    OutboxMessage,
    RehireNote,
    Signature,
    State,
    TemplateProposal,
    TrialTask,
)

# The cases a retention runs on (the policy's).
ENDED_STATES = policy.ENDED_STATES


@dataclass(frozen=True)
class Table:
    model: type[Model]
    # The lookup from a row to its case's id.
    case: str
    # (name field, the account field beside it or "").
    names: tuple[tuple[str, str], ...] = ()
    erased: tuple[str, ...] = ()
    know_how: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    # Rows whose erased fields go only where this also holds (a withdrawal's reason on the timeline).
    erased_only: Q | None = None
    # Whom a row is about (their erasure empties its ``erased`` fields on other people's cases).
    about: str = ""
    # File fields: the files are deleted with the case's anonymisation.
    files: tuple[str, ...] = ()
    # Fields about the ``about`` person that are not words (a category, a score): kept through the
    # anonymisation, where no name is left beside them, but in a download only for that person.
    personal: tuple[str, ...] = ()

    def rows(self, case_ids: Iterable[int]):
        return self.model._default_manager.filter(**{f"{self.case}__in": list(case_ids)})


TABLES = (
    Table(
        Departure,
        "pk",
        names=(("employee_name", "employee"), ("manager_name", "manager"), ("hr_owner_name", "hr_owner")),
        erased=("employee_title", "reason_text", "aftercare_email"),
        kept=("number", "department_name"),
        about="employee",
        personal=("reason_category", "quality_score"),
    ),
    Table(
        HandoverModule,
        "departure",
        names=(("successor_name", "successor"), ("independent_by_name", "independent_by")),
        erased=("independence_note",),
        about="successor",
    ),
    Table(
        ChecklistItem,
        "module__departure",
        names=(("accepted_by_name", "accepted_by"),),
        know_how=("title", "steps", "key_moments", "cautions", "evidence_url", "question", "answer"),
    ),
    Table(AftercareQuestion, "departure", names=(("asker_name", "asker"),), know_how=("question", "answer")),
    Table(
        CheckIn, "departure", names=(("author_name", "author"),), erased=("note",), about="module__successor"
    ),
    Table(
        Event,
        "departure",
        names=(("actor_name", "actor"),),
        know_how=("subject",),
        kept=("from_state", "to_state"),
        # Subjects that copy what was written about people: a withdrawal's reason, a trial task's
        # feedback, why a confirmation was corrected, why the support period was extended.
        erased=("subject",),
        erased_only=Q(kind=EventKind.TRANSITION, to_state=State.WITHDRAWN)
        | Q(kind__in=[EventKind.TRIAL_REWORK, EventKind.DOCUMENT_REISSUED, EventKind.SUPPORT_EXTENDED]),
    ),
    Table(ExitFeedback, "departure", erased=("comment",), about="respondent"),
    Table(
        Access,
        "departure",
        names=(("transferred_by_name", ""), ("revoked_by_name", "")),
        know_how=(
            "account",
            "access_level",
            "credential_location",
            "revocation_note",
            "revocation_evidence",
            "not_applicable_reason",
        ),
        erased=("secret_token",),
        kept=("secret_key_id",),
    ),
    Table(
        Material,
        "departure",
        names=(("found_by_name", "found_by"),),
        know_how=("title", "location", "purpose"),
        erased=("file_name",),
        files=("file",),
    ),
    Table(Manual, "departure", names=(("updated_by_name", ""),), know_how=("body",)),
    Table(ManualRevision, "manual__departure", names=(("author_name", "author"),), know_how=("body", "note")),
    Table(
        Lesson, "departure", names=(("author_name", "author"),), know_how=("went_wrong", "solved", "watch")
    ),
    Table(HandoverMeeting, "departure", know_how=("location", "agenda"), erased=("minutes",)),
    Table(MeetingParticipant, "meeting__departure", names=(("name", "user"),)),
    Table(Demonstration, "departure", know_how=("title", "location", "notes")),
    Table(DemonstrationAttendee, "demonstration__departure", names=(("name", "user"),)),
    Table(Announcement, "departure", names=(("sent_by_name", "sent_by"),), erased=("text", "contact")),
    Table(
        Signature,
        "departure",
        names=(("signer_name", "signer"),),
        erased=("ip_address", "user_agent", "typed_name", "image"),
        kept=("content_sha256",),
        about="signer",
    ),
    Table(
        ConfirmationDocument,
        "departure",
        names=(("issued_by_name", ""),),
        erased=("reissue_reason",),
        kept=("code", "file_name", "sha256", "content_sha256", "request_key"),
    ),
    Table(
        TrialTask,
        "departure",
        know_how=("title", "description"),
        erased=("done_note", "feedback"),
        about="module__successor",
    ),
    Table(
        FollowUp,
        "departure",
        names=(("created_by_name", "created_by"),),
        know_how=("title", "description", "done_note"),
    ),
    Table(
        TemplateProposal,
        "departure",
        names=(("decided_by_name", ""),),
        know_how=("title", "steps", "key_moments", "cautions"),
    ),
    # Kept on the former employee's own consent, separate from the case: it goes when they withdraw
    # it or are erased, not when the case is anonymised.
    Table(AlumniConsent, "departure", kept=("contact",), about="person"),
)

DELETED = (Notification, OutboxMessage, RehireNote, ImportPreview)


def table_of(model: type[Model]) -> Table:
    return next(table for table in TABLES if table.model is model)


# ---------------------------------------------------------------------------------------------
# Parts: who each person was on a case, the words that replace their name.


def parts(departure: Departure, successor_ids: list[int], others: Iterable[int]) -> dict[int, str]:
    """Each person's part on the case, in the active language (the case's, when anonymising)."""
    named: dict[int, str] = {}
    distinct = list(dict.fromkeys(successor_ids))
    for number, person_id in enumerate(distinct, start=1):
        named.setdefault(
            person_id, _("Successor %(number)s") % {"number": number} if len(distinct) > 1 else _("Successor")
        )
    named[departure.hr_owner_id] = _("HR owner")
    named[departure.manager_id] = _("Manager")
    named[departure.employee_id] = _("Former employee")
    for person_id in others:
        named.setdefault(person_id, colleague())
    return named


def colleague() -> str:
    """Whoever else took part (a department head, IT, a guest of the meeting) or is not known."""
    return _("Colleague")


def names_of(person: User) -> set[str]:
    """How a person's name may appear in what was written about them (never their username)."""
    return {name for name in (person.display_name, person.get_full_name()) if len(name.strip()) >= 2}


def searchable(name: str) -> bool:
    """Whether a name is looked for inside texts: two words or more ("Sam Lee"), or written in
    another script than Latin ("张磊"). A single Latin word ("orders", "Will", "Mark") is too likely
    to be an ordinary word of the know-how kept; it is replaced only where it stands alone as a name."""
    return len(name.split()) >= 2 or not name.isascii()


class Scrubber:
    """Replaces the names it knows in a text by the parts given for them, longest name first."""

    def __init__(self, replacements: dict[str, str]):
        self.replacements = {
            name.strip(): part for name, part in replacements.items() if len(name.strip()) >= 2
        }
        alternatives = [
            rf"\b{re.escape(name)}\b" if re.fullmatch(r"[\w .'-]+", name, re.ASCII) else re.escape(name)
            for name in sorted(self.replacements, key=len, reverse=True)
            if searchable(name)
        ]
        self.pattern = re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None
        self.folded = {name.casefold(): part for name, part in self.replacements.items()}

    def name(self, written: str) -> str:
        """A name written down by itself: the part of whoever it names, else a colleague's."""
        return self.folded.get(written.strip().casefold(), colleague()) if written else ""

    def __call__(self, text: str) -> str:
        if self.pattern is None or not text:
            return text
        return self.pattern.sub(lambda match: self.folded.get(match.group(0).casefold(), colleague()), text)


def written(model: type[Model], names: Iterable[str]) -> tuple[str, ...]:
    """Those of ``names`` that hold words (not an address, a drawing or a key)."""
    return tuple(name for name in names if isinstance(model._meta.get_field(name), CharField | TextField))


def empty(model: type[Model], name: str):
    """What an erased field holds: nothing (None where the column allows it, else "")."""
    column = model._meta.get_field(name)
    return None if isinstance(column, Field) and column.null else ""


def month_ago(moment: datetime, months: int) -> datetime:
    """The same moment ``months`` calendar months earlier (the last day of a shorter month)."""
    month = moment.month - 1 - months
    year = moment.year + month // 12
    month = month % 12 + 1
    day = min(moment.day, _days_in(year, month))
    return moment.replace(year=year, month=month, day=day)


def _days_in(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days
