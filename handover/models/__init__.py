from .checklist import ChecklistItem, ChecklistTemplate, HandoverModule, ItemState, ModuleKind, TemplateItem
from .departure import (
    Departure,
    DepartureGroupObjectPermission,
    DepartureUserObjectPermission,
    ReasonCategory,
    State,
)
from .events import DigestLog, Event, EventKind
from .meetings import HandoverMeeting
from .signoff import ConfirmationDocument, Signature, SignerRole
from .trial import TrialState, TrialTask

__all__ = [
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
    "ItemState",
    "ModuleKind",
    "ReasonCategory",
    "Signature",
    "SignerRole",
    "State",
    "TemplateItem",
    "TrialState",
    "TrialTask",
]
