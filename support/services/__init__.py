"""State changes of the support app: the only code that writes their status fields.

Each function runs in one transaction, locks the row that serialises the decision (the session
for seats, the computer model for stock, the request itself otherwise), checks the rule of
`support.rules` for the acting user (`by`, always given: a person, or `User.objects.system()`
for the demo and the commands), checks the current state, writes the new one
(django-simple-history keeps the before/after), and raises `SupportError` with a French
message when it refuses. Calling it again on something already done is a no-op.
One module per section, re-exported here: `from support.services import session_cancel` holds.
"""

from ..households import current_dwelling
from .advice import advice_answer, advice_create
from .base import SupportError
from .computers import (
    computer_order_cancel,
    computer_order_create,
    computer_order_hand_over,
    computer_order_pay,
)
from .half_days import HalfDayOutcome, half_day_create, half_day_record
from .home_help import home_help_cancel, home_help_create, home_help_done, home_help_schedule
from .workshops import (
    SESSION_EDITABLE,
    SessionChange,
    attendance_record,
    registration_cancel,
    registration_create,
    session_cancel,
    session_create,
    session_update,
)

__all__ = [
    "SESSION_EDITABLE",
    "HalfDayOutcome",
    "SessionChange",
    "SupportError",
    "advice_answer",
    "advice_create",
    "attendance_record",
    "computer_order_cancel",
    "computer_order_create",
    "computer_order_hand_over",
    "computer_order_pay",
    "current_dwelling",
    "half_day_create",
    "half_day_record",
    "home_help_cancel",
    "home_help_create",
    "home_help_done",
    "home_help_schedule",
    "registration_cancel",
    "registration_create",
    "session_cancel",
    "session_create",
    "session_update",
]
