"""Months and rates: the calendar the figures count over, a rate's one definition (active
subscriptions per 100 dwellings) and its points."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from brest_internet.common.figures import percent


def month_starts(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first days of the months from `start`'s month to `end`'s month, included."""
    months = []
    day = start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _rate(active: int, dwellings: int) -> Decimal | None:
    if not dwellings:
        return None
    return percent(active, dwellings)


@dataclass
class Point:
    day: datetime.date
    active: int
    dwellings: int

    @property
    def rate(self) -> Decimal | None:
        """Active subscriptions per 100 dwellings, one decimal."""
        return _rate(self.active, self.dwellings)


@dataclass
class Series:
    neighbourhood: object
    dwellings: int
    points: list[Point] = field(default_factory=list)
