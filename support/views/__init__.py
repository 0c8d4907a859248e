"""Views of the support app, one module per section, re-exported here for `support.urls`.

Each asks its rule of `support.rules` first (`allowed`), then fetches the object through a
scoped `support.access.get_*_for_user` helper (404 outside the scope), then calls a service of
`support.services` for any change."""

from .advice import advice_answer, advice_create, advice_detail, advice_list
from .calendar import (
    calendar_detail,
    calendar_feed,
    calendar_index,
    calendar_regenerate,
    session_ics,
)
from .computers import (
    computer_list,
    order_cancel,
    order_create,
    order_detail,
    order_hand_over,
    order_pay,
)
from .half_days import half_day_create, half_day_desk, half_day_list
from .home_help import (
    home_help_cancel,
    home_help_create,
    home_help_detail,
    home_help_done,
    home_help_list,
    home_help_schedule,
)
from .households import household_choose, household_detail, household_list
from .workshops import (
    registration_cancel,
    session_attendance,
    session_cancel,
    session_create,
    session_detail,
    session_list,
    session_sheet,
    session_sign_up,
    session_update,
)

__all__ = [
    "advice_answer",
    "advice_create",
    "advice_detail",
    "advice_list",
    "calendar_detail",
    "calendar_feed",
    "calendar_index",
    "calendar_regenerate",
    "computer_list",
    "half_day_create",
    "half_day_desk",
    "half_day_list",
    "home_help_cancel",
    "home_help_create",
    "home_help_detail",
    "home_help_done",
    "home_help_list",
    "home_help_schedule",
    "household_choose",
    "household_detail",
    "household_list",
    "order_cancel",
    "order_create",
    "order_detail",
    "order_hand_over",
    "order_pay",
    "registration_cancel",
    "session_attendance",
    "session_cancel",
    "session_create",
    "session_detail",
    "session_ics",
    "session_list",
    "session_sheet",
    "session_sign_up",
    "session_update",
]
