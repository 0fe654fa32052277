"""One function per user action. Views, admin actions and tasks call these and nothing else writes."""

from .departures import (
    departure_announce,
    departure_begin_aftercare,
    departure_close,
    departure_open,
    departure_start_executing,
    departure_start_preparing,
    departure_start_trial_run,
    departure_withdraw,
    module_set_successor,
)
from .digest import digest_send
from .items import (
    item_accept,
    item_answer,
    item_create,
    item_delete,
    item_hand_over,
    item_return,
    item_update,
)
from .meetings import meeting_record, meeting_schedule
from .signing import confirmation_open, confirmation_produce, content_fingerprint, departure_sign
from .trial import trial_task_complete, trial_task_create, trial_task_rework, trial_task_verify

__all__ = [
    "confirmation_open",
    "confirmation_produce",
    "content_fingerprint",
    "departure_announce",
    "departure_begin_aftercare",
    "departure_close",
    "departure_open",
    "departure_sign",
    "departure_start_executing",
    "departure_start_preparing",
    "departure_start_trial_run",
    "departure_withdraw",
    "digest_send",
    "item_accept",
    "item_answer",
    "item_create",
    "item_delete",
    "item_hand_over",
    "item_return",
    "item_update",
    "meeting_record",
    "meeting_schedule",
    "module_set_successor",
    "trial_task_complete",
    "trial_task_create",
    "trial_task_rework",
    "trial_task_verify",
]
