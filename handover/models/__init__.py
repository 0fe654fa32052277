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
from .meetings import HandoverMeeting
from .signoff import ConfirmationDocument, Signature, SignatureMark, SignerRole
from .trial import TrialState, TrialTask

__all__ = [
    "Access",
    "AccessKind",
    "AccessState",
    "AccessSystem",
    "ChecklistItem",
    "ChecklistTemplate",
    "ConfirmationDocument",
    "Departure",
    "DepartureGroupObjectPermission",
    "DepartureUserObjectPermission",
    "DigestLog",
    "Event",
    "EventKind",
    "HandoverMeeting",
    "HandoverModule",
    "ImportPreview",
    "Importance",
    "ItemState",
    "Material",
    "MaterialCategory",
    "MaterialMedium",
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
