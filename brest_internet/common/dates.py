"""Calendar months: a day moved by whole months, the 31st becoming the month's last day."""

import calendar
import datetime


def _moved(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def months_after(day: datetime.date, months: int) -> datetime.date:
    """`day` moved forward by `months` calendar months (31 August + 6 → 28 or 29 February)."""
    return _moved(day, months)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """`day` moved back by `months` calendar months (31 March − 1 → 28 or 29 February)."""
    return _moved(day, -months)


def is_month_end(day: datetime.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def latest_start(today: datetime.date, months: int) -> datetime.date:
    """The latest day whose `months_after(day, months)` is on or before `today`.

    So that a rule written as "due `months` after its start" reads the same in SQL
    (`start <= latest_start(today, months)`) and in Python (`months_after(start) <= today`),
    the end of a month included: 31 August + 6 months is due on 28 February.
    """
    cutoff = months_before(today, months)
    if is_month_end(today):
        cutoff = cutoff.replace(day=calendar.monthrange(cutoff.year, cutoff.month)[1])
    return cutoff
