import json
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class EventKind(models.TextChoices):
    OPENED = "opened", _("opened the case")
    ANNOUNCED = "announced", _("announced the departure to")
    TRANSITION = "transition", _("moved the case")
    PEOPLE_CHANGED = "people_changed", _("changed who takes over")
    DATES_CHANGED = "dates_changed", _("changed the dates")
    MODULE_ADDED = "module_added", _("added a work module")
    MODULE_REMOVED = "module_removed", _("removed a work module")
    ITEM_ADDED = "item_added", _("added an item")
    ITEM_EDITED = "item_edited", _("edited an item")
    ITEM_REMOVED = "item_removed", _("removed an item")
    ITEM_HANDED_OVER = "item_handed_over", _("handed over")
    ITEM_ACCEPTED = "item_accepted", _("accepted")
    ITEM_RETURNED = "item_returned", _("returned with a question")
    ITEM_ANSWERED = "item_answered", _("answered the question on")
    MEETING_SCHEDULED = "meeting_scheduled", _("scheduled the handover meeting")
    MEETING_HELD = "meeting_held", _("recorded the handover meeting")
    TRIAL_ADDED = "trial_added", _("added a trial task")
    TRIAL_DONE = "trial_done", _("marked a trial task done")
    TRIAL_VERIFIED = "trial_verified", _("verified a trial task")
    TRIAL_REWORK = "trial_rework", _("sent a trial task back for rework")
    LESSON_ADDED = "lesson_added", _("noted a lesson learned")
    LESSON_REMOVED = "lesson_removed", _("removed a lesson learned")
    CHECKED_IN = "checked_in", _("checked in on a module")
    FOLLOW_UP_ADDED = "follow_up_added", _("left a follow-up")
    FOLLOW_UP_DONE = "follow_up_done", _("did a follow-up")
    DEMONSTRATION_SCHEDULED = "demonstration_scheduled", _("scheduled a demonstration")
    DEMONSTRATION_HELD = "demonstration_held", _("recorded a demonstration as held")
    DEMONSTRATION_SEEN = "demonstration_seen", _("confirmed seeing a demonstration")
    MODULE_INDEPENDENT = "module_independent", _("confirmed the successor works alone")
    MODULE_INDEPENDENCE_WITHDRAWN = (
        "module_independence_withdrawn",
        _("reopened the confirmation that the successor works alone"),
    )
    SIGNED = "signed", _("signed the confirmation")
    SIGN_FAILED = "sign_failed", _("entered a wrong password to sign")
    DOCUMENT_CREATED = "document_created", _("produced the confirmation PDF")
    DOCUMENT_DOWNLOADED = "document_downloaded", _("downloaded the confirmation PDF")
    DOCUMENT_REISSUED = "document_reissued", _("asked for a corrected confirmation")
    SIGNATURE_VOIDED = "signature_voided", _("voided a signature")
    ACCESS_ADDED = "access_added", _("listed an account")
    ACCESS_EDITED = "access_edited", _("edited an account")
    ACCESS_REMOVED = "access_removed", _("removed an account")
    ACCESS_TRANSFERRED = "access_transferred", _("confirmed an account transfer")
    ACCESS_REVOKED = "access_revoked", _("confirmed an account revoked")
    ACCESS_NOT_APPLICABLE = "access_not_applicable", _("marked an account not applicable")
    SECRET_STORED = "secret_stored", _("stored a secret")
    SECRET_REVEALED = "secret_revealed", _("revealed a secret")
    SECRET_REVEAL_FAILED = "secret_reveal_failed", _("entered a wrong password to reveal a secret")
    SECRET_PURGED = "secret_purged", _("purged a secret")
    MATERIAL_ADDED = "material_added", _("listed a material")
    MATERIAL_EDITED = "material_edited", _("edited a material")
    MATERIAL_REMOVED = "material_removed", _("removed a material")
    MATERIAL_FOUND = "material_found", _("found a material")
    MATERIAL_DOWNLOADED = "material_downloaded", _("downloaded a material's file")
    INVENTORY_IMPORTED = "inventory_imported", _("imported an inventory")
    INVENTORY_EXPORTED = "inventory_exported", _("exported the inventory")
    QUESTION_ASKED = "question_asked", _("asked the former employee")
    QUESTION_ANSWERED = "question_answered", _("answered an aftercare question")
    QUESTION_SOLVED = "question_solved", _("marked an answer as solving it")
    SUPPORT_EXTENDED = "support_extended", _("extended the support period")
    LOGIN_ENDED = "login_ended", _("ended the former employee's login")
    FEEDBACK_GIVEN = "feedback_given", _("answered the survey on the handover")
    ALUMNI_JOINED = "alumni_joined", _("agreed to stay in touch")
    ALUMNI_LEFT = "alumni_left", _("withdrew the consent to stay in touch")
    MANUAL_CHANGED = "manual_changed", _("changed an operation manual")
    AFTERCARE_CONTACT = "aftercare_contact", _("said where mail reaches them after leaving")
    LINKS_ENDED = "links_ended", _("ended the personal links sent so far")
    TEMPLATE_PROPOSED = "template_proposed", _("proposed changes to the checklist template")
    ANONYMISED = "anonymised", _("anonymised the case: names replaced, personal texts and files deleted")


# Events that change what a signer affirms. The services that write them do so through
# ``record_change``, which voids the signatures the change outdates; every other event is history.
CONTENT_EVENT_KINDS = frozenset(
    {
        EventKind.PEOPLE_CHANGED,
        EventKind.ITEM_ADDED,
        EventKind.ITEM_EDITED,
        EventKind.ITEM_REMOVED,
        EventKind.ITEM_HANDED_OVER,
        EventKind.ITEM_ACCEPTED,
        EventKind.ITEM_RETURNED,
        EventKind.ITEM_ANSWERED,
        EventKind.MEETING_SCHEDULED,
        EventKind.MEETING_HELD,
        EventKind.TRIAL_ADDED,
        EventKind.TRIAL_DONE,
        EventKind.TRIAL_VERIFIED,
        EventKind.TRIAL_REWORK,
        EventKind.ACCESS_ADDED,
        EventKind.ACCESS_EDITED,
        EventKind.ACCESS_REMOVED,
        EventKind.ACCESS_TRANSFERRED,
        EventKind.ACCESS_NOT_APPLICABLE,
        # Revoking a transferred account leaves what signers affirm as it was (and voids nothing);
        # revoking one never transferred, after the last working day, changes it.
        EventKind.ACCESS_REVOKED,
        EventKind.MATERIAL_ADDED,
        EventKind.MATERIAL_EDITED,
        EventKind.MATERIAL_REMOVED,
        EventKind.MATERIAL_FOUND,
        EventKind.INVENTORY_IMPORTED,
        EventKind.DATES_CHANGED,
        EventKind.MODULE_ADDED,
        EventKind.MODULE_REMOVED,
        EventKind.LESSON_ADDED,
        EventKind.LESSON_REMOVED,
    }
)

# Events that name accounts or materials: only people who may see the inventory read them.
INVENTORY_EVENT_KINDS = frozenset(
    kind for kind in EventKind if kind.startswith(("access_", "secret_", "material_", "inventory_"))
)

# A move that came with a reason (withdrawing the case).
TRANSITION_WITH_REASON = _("%(actor)s moved the case from “%(from)s” to “%(to)s”: %(subject)s")

# How the timeline tells each event: whole sentences, so translators can order the words.
EVENT_SENTENCES = {
    EventKind.OPENED: _("%(actor)s opened the case for %(subject)s"),
    EventKind.ANNOUNCED: _("%(actor)s announced the departure to %(subject)s"),
    EventKind.TRANSITION: _("%(actor)s moved the case from “%(from)s” to “%(to)s”"),
    EventKind.PEOPLE_CHANGED: _("%(actor)s changed who takes over: %(subject)s"),
    EventKind.DATES_CHANGED: _("%(actor)s changed the dates: %(subject)s"),
    EventKind.MODULE_ADDED: _("%(actor)s added the work module %(subject)s"),
    EventKind.MODULE_REMOVED: _("%(actor)s removed the work module %(subject)s"),
    EventKind.ITEM_ADDED: _("%(actor)s added “%(subject)s”"),
    EventKind.ITEM_EDITED: _("%(actor)s edited “%(subject)s”"),
    EventKind.ITEM_REMOVED: _("%(actor)s removed “%(subject)s”"),
    EventKind.ITEM_HANDED_OVER: _("%(actor)s handed over “%(subject)s”"),
    EventKind.ITEM_ACCEPTED: _("%(actor)s accepted “%(subject)s”"),
    EventKind.ITEM_RETURNED: _("%(actor)s returned an item with a question: %(subject)s"),
    EventKind.ITEM_ANSWERED: _("%(actor)s answered a question: %(subject)s"),
    EventKind.MEETING_SCHEDULED: _("%(actor)s scheduled the handover meeting: %(subject)s"),
    EventKind.MEETING_HELD: _("%(actor)s recorded that the handover meeting took place (%(subject)s)"),
    EventKind.TRIAL_ADDED: _("%(actor)s set the trial task “%(subject)s”"),
    EventKind.TRIAL_DONE: _("%(actor)s did the trial task “%(subject)s”"),
    EventKind.TRIAL_VERIFIED: _("%(actor)s verified the trial task “%(subject)s”"),
    EventKind.TRIAL_REWORK: _("%(actor)s sent a trial task back for rework: %(subject)s"),
    EventKind.LESSON_ADDED: _("%(actor)s noted a lesson learned: %(subject)s"),
    EventKind.LESSON_REMOVED: _("%(actor)s removed a lesson learned: %(subject)s"),
    EventKind.CHECKED_IN: _("%(actor)s checked in: %(subject)s"),
    EventKind.FOLLOW_UP_ADDED: _("%(actor)s left the follow-up “%(subject)s”"),
    EventKind.FOLLOW_UP_DONE: _("%(actor)s did the follow-up “%(subject)s”"),
    EventKind.DEMONSTRATION_SCHEDULED: _("%(actor)s scheduled the demonstration “%(subject)s”"),
    EventKind.DEMONSTRATION_HELD: _("%(actor)s recorded that the demonstration “%(subject)s” took place"),
    EventKind.DEMONSTRATION_SEEN: _("%(actor)s confirmed seeing the demonstration “%(subject)s”"),
    EventKind.MODULE_INDEPENDENT: _("%(actor)s confirmed that the successor does %(subject)s alone"),
    # Taken back by the manager, or reopened by a new trial task for the module.
    EventKind.MODULE_INDEPENDENCE_WITHDRAWN: _(
        "%(actor)s reopened the confirmation that the successor does %(subject)s alone"
    ),
    EventKind.SIGNED: _("%(actor)s signed the confirmation as %(subject)s"),
    EventKind.SIGN_FAILED: _("%(actor)s entered a wrong password to sign the confirmation"),
    EventKind.DOCUMENT_CREATED: _("%(actor)s produced the confirmation PDF, SHA-256 %(subject)s"),
    EventKind.DOCUMENT_DOWNLOADED: _("%(actor)s downloaded the confirmation PDF"),
    EventKind.DOCUMENT_REISSUED: _("%(actor)s asked for a corrected confirmation: %(subject)s"),
    EventKind.SIGNATURE_VOIDED: _("The signature of %(subject)s is void: the handover changed after it"),
    EventKind.ACCESS_ADDED: _("%(actor)s listed the account %(subject)s"),
    EventKind.ACCESS_EDITED: _("%(actor)s edited the account %(subject)s"),
    EventKind.ACCESS_REMOVED: _("%(actor)s removed the account %(subject)s"),
    EventKind.ACCESS_TRANSFERRED: _("%(actor)s confirmed working access to %(subject)s"),
    EventKind.ACCESS_REVOKED: _("%(actor)s confirmed the departing employee's access to %(subject)s is gone"),
    EventKind.ACCESS_NOT_APPLICABLE: _("%(actor)s marked the account %(subject)s not applicable"),
    EventKind.SECRET_STORED: _("%(actor)s stored a secret for %(subject)s"),
    EventKind.SECRET_REVEALED: _("%(actor)s revealed the secret of %(subject)s"),
    EventKind.SECRET_REVEAL_FAILED: _(
        "%(actor)s entered a wrong password to reveal the secret of %(subject)s"
    ),
    EventKind.SECRET_PURGED: _("%(actor)s purged the secret of %(subject)s"),
    EventKind.MATERIAL_ADDED: _("%(actor)s listed the material “%(subject)s”"),
    EventKind.MATERIAL_EDITED: _("%(actor)s edited the material “%(subject)s”"),
    EventKind.MATERIAL_REMOVED: _("%(actor)s removed the material “%(subject)s”"),
    EventKind.MATERIAL_FOUND: _("%(actor)s found the material “%(subject)s”"),
    EventKind.MATERIAL_DOWNLOADED: _("%(actor)s downloaded the file of “%(subject)s”"),
    EventKind.INVENTORY_IMPORTED: _("%(actor)s imported %(subject)s"),
    EventKind.INVENTORY_EXPORTED: _("%(actor)s exported the inventory (%(subject)s)"),
    EventKind.QUESTION_ASKED: _("%(actor)s asked the former employee: %(subject)s"),
    EventKind.QUESTION_ANSWERED: _("%(actor)s answered an aftercare question: %(subject)s"),
    EventKind.QUESTION_SOLVED: _("%(actor)s marked the answer to “%(subject)s” as solving it"),
    EventKind.SUPPORT_EXTENDED: _("%(actor)s extended the support period: %(subject)s"),
    EventKind.LOGIN_ENDED: _("The normal login of %(subject)s ended with their last working day"),
    EventKind.FEEDBACK_GIVEN: _("%(actor)s answered the survey on how the handover went"),
    EventKind.ALUMNI_JOINED: _("%(actor)s agreed to stay in touch"),
    EventKind.ALUMNI_LEFT: _("%(actor)s withdrew the consent to stay in touch; their contact is deleted"),
    EventKind.MANUAL_CHANGED: _("%(actor)s changed the operation manual of %(subject)s"),
    # The address itself stays off the timeline.
    EventKind.AFTERCARE_CONTACT: _("%(actor)s said where mail reaches them after leaving"),
    EventKind.LINKS_ENDED: _(
        "%(actor)s ended the personal links sent to the former employee so far; "
        "the next mail carries a new one"
    ),
    EventKind.TEMPLATE_PROPOSED: _(
        "Changes proposed to the checklist template for HR to review: %(subject)s"
    ),
    # Written by Handover itself: who asked for it is on HR's privacy record, not on the case.
    EventKind.ANONYMISED: _(
        "The case was anonymised: names replaced by parts, personal texts and files deleted"
    ),
}


def import_subject(accounts: int, secrets: int, materials: int) -> str:
    """What an import created, stored as numbers so each reader sees it in their own language."""
    return f"{accounts},{secrets},{materials}"


def import_summary(subject: str) -> str:
    try:
        accounts, secrets, materials = (int(part) for part in subject.split(","))
    except ValueError:
        return subject
    parts = [ngettext("%(n)d account", "%(n)d accounts", accounts) % {"n": accounts}]
    if secrets:
        parts.append(ngettext("%(n)d stored secret", "%(n)d stored secrets", secrets) % {"n": secrets})
    parts.append(ngettext("%(n)d material", "%(n)d materials", materials) % {"n": materials})
    return ", ".join(parts)


# Events whose subject is stored as data (JSON) and told in each reader's own language: dates in
# their format, field and module names translated.
DATA_SUBJECT_KINDS = frozenset(
    {
        EventKind.PEOPLE_CHANGED,
        EventKind.DATES_CHANGED,
        EventKind.MODULE_ADDED,
        EventKind.MODULE_REMOVED,
        EventKind.MEETING_SCHEDULED,
        EventKind.MODULE_INDEPENDENT,
        EventKind.MODULE_INDEPENDENCE_WITHDRAWN,
        EventKind.CHECKED_IN,
        EventKind.MANUAL_CHANGED,
    }
)
_CHANGE_LABELS = {
    "manager": _("Manager"),
    "hr_owner": _("HR owner"),
    "last_working_day": _("Last working day"),
    "support_until": _("Aftercare until"),
}


def data_subject(**data: Any) -> str:
    """A subject kept as data: dates as ISO strings, modules by their code."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


def data_summary(subject: str) -> str:
    """A data subject in the reader's language; anything else (older events) as it was written."""
    from handover import formatting
    from handover.models.checklist import ModuleKind

    try:
        data = json.loads(subject) if subject.startswith("{") else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return subject
    parts = []
    if "at" in data:
        parts.append(f"{formatting.moment(datetime.fromisoformat(data['at']))}, {data.get('place', '')}")
    if "module" in data:
        module = (
            str(ModuleKind(data["module"]).label) if data["module"] in ModuleKind.values else data["module"]
        )
        parts.append(f"{module}: {data['successor']}" if data.get("successor") else module)
    for key in ("manager", "hr_owner"):
        if key in data:
            parts.append(f"{_CHANGE_LABELS[key]}: {data[key][0]} → {data[key][1]}")
    for key in ("last_working_day", "support_until"):
        if key in data:
            before, after = (formatting.day(date.fromisoformat(day)) for day in data[key])
            parts.append(f"{_CHANGE_LABELS[key]}: {before} → {after}")
    if "confidence" in data:
        from handover.models.checkins import Confidence

        confidence = data["confidence"]
        parts.append(str(Confidence(confidence).label) if confidence in Confidence.values else confidence)
    if data.get("due"):
        due = formatting.day(date.fromisoformat(data["due"]))
        parts.append(
            ngettext(
                "%(n)d item not yet handed over now due %(day)s",
                "%(n)d items not yet handed over now due %(day)s",
                data.get("due_items", 0),
            )
            % {"n": data.get("due_items", 0), "day": due}
        )
    if data.get("moved"):
        parts.append(
            ngettext(
                "the due date of %(n)d item not yet handed over moves with it",
                "the due dates of %(n)d items not yet handed over move with it",
                data["moved"],
            )
            % {"n": data["moved"]}
        )
    return "; ".join(parts)


class Event(models.Model):
    """Append-only timeline of what happened to a case: who, what, when."""

    departure = models.ForeignKey(
        "handover.Departure", verbose_name=_("case"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150)
    kind = models.CharField(_("what"), max_length=30, choices=EventKind.choices)
    subject = models.CharField(_("about"), max_length=300, blank=True)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.actor_name} {self.get_kind_display()} {self.subject}".strip()
