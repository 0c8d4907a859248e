"""Dates in sentences people read (messages, refusals, names of rows), in the reader's language.

`day(d)` is 02/12/2026 on a French page and 12/02/2026 on an English one (Django's
SHORT_DATE_FORMAT of the active language); `moment(dt)` adds the local time. Files for
machines (exports) keep their own fixed formats and do not use these.
"""

import datetime

from django.utils import timezone
from django.utils.formats import date_format

NONE = "—"


def day(value: datetime.date | None) -> str:
    """A date as the active language writes it short, or a dash when there is none."""
    if value is None:
        return NONE
    return date_format(value, "SHORT_DATE_FORMAT")


def moment(value: datetime.datetime | None) -> str:
    """An aware datetime in local time, date and hour, as the active language writes them."""
    if value is None:
        return NONE
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
