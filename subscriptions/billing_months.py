"""The month a charge is for: typed as "YYYY-MM" (or given as a date), shown as "MM/YYYY"."""

import datetime
import re

from django.utils.translation import gettext as _

from .errors import ChargeError

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value) -> datetime.date:
    """The first day of the month given as "YYYY-MM" or as a date; ChargeError if malformed."""
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    match = MONTH_RE.match(str(value or "").strip())
    if match:
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12 and year >= 1900:
            return datetime.date(year, month, 1)
    raise ChargeError(
        _("Mois invalide : « %(value)s ». Indiquez-le sous la forme AAAA-MM, par exemple 2014-03.")
        % {"value": value}
    )


def month_label(month: datetime.date) -> str:
    return month.strftime("%m/%Y")
