from .checkins import CheckIn, Confidence
from .checklist import ChecklistItem, ChecklistTemplate, HandoverModule, ItemState, ModuleKind, TemplateItem
from .departure import (
    Departure,
    DepartureGroupObjectPermission,
    DepartureUserObjectPermission,
    ReasonCategory,
    State,
)
from .events import DigestLog, Event, EventKind
from .inventory import (
    Access,
    AccessKind,
    AccessState,
    AccessSystem,
    Importance,
    ImportPreview,
    Material,
    MaterialCategory,
    MaterialMedium,
    OverdueNotice,
    SystemCategory,
    TransferMethod,
)
from .lessons import Lesson
from .meetings import Demonstration, DemonstrationAttendee, HandoverMeeting, MeetingParticipant
from .signoff import ConfirmationDocument, Signature, SignatureMark, SignerRole
from .trial import FollowUp, TrialState, TrialTask

__all__ = [
    "Access",
    "AccessKind",
    "AccessState",
    "AccessSystem",
    "CheckIn",
    "ChecklistItem",
    "ChecklistTemplate",
    "Confidence",
    "ConfirmationDocument",
    "Demonstration",
    "DemonstrationAttendee",
    "Departure",
    "DepartureGroupObjectPermission",
    "DepartureUserObjectPermission",
    "DigestLog",
    "Event",
    "EventKind",
    "FollowUp",
    "HandoverMeeting",
    "HandoverModule",
    "ImportPreview",
    "Importance",
    "ItemState",
    "Lesson",
    "Material",
    "MaterialCategory",
    "MaterialMedium",
    "MeetingParticipant",
    "ModuleKind",
    "OverdueNotice",
    "ReasonCategory",
    "Signature",
    "SignatureMark",
    "SignerRole",
    "State",
    "SystemCategory",
    "TemplateItem",
    "TransferMethod",
    "TrialState",
    "TrialTask",
]
