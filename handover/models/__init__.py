from .checkins import CheckIn, Confidence
from .checklist import ChecklistItem, ChecklistTemplate, HandoverModule, ItemState, ModuleKind, TemplateItem
from .departure import (
    Departure,
    DepartureGroupObjectPermission,
    DepartureUserObjectPermission,
    ReasonCategory,
    State,
)
from .events import Event, EventKind
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
    SystemCategory,
    TransferMethod,
)
from .lessons import Lesson
from .meetings import Demonstration, DemonstrationAttendee, HandoverMeeting, MeetingParticipant
from .notifications import (
    Channel,
    NoticeKind,
    NoticePreference,
    Notification,
    OutboxMessage,
    OutboxState,
    Timing,
)
from .signoff import ConfirmationDocument, Signature, SignatureMark, SignerRole
from .trial import FollowUp, TrialState, TrialTask

__all__ = [
    "Access",
    "AccessKind",
    "AccessState",
    "AccessSystem",
    "Channel",
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
    "NoticeKind",
    "NoticePreference",
    "Notification",
    "OutboxMessage",
    "OutboxState",
    "ReasonCategory",
    "Signature",
    "SignatureMark",
    "SignerRole",
    "State",
    "SystemCategory",
    "TemplateItem",
    "Timing",
    "TransferMethod",
    "TrialState",
    "TrialTask",
]
