"""The period a figure is counted over: a year, or everything up to today."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from . import clock


@dataclass(frozen=True)
class Period:
    """From `start` (None: since the beginning) to `end`, both included."""

    start: datetime.date | None
    end: datetime.date
    year: int | None = None

    @classmethod
    def of(cls, year: int | None = None, today: datetime.date | None = None) -> Period:
        today = today or clock.today()
        if year is None:
            return cls(None, today)
        return cls(datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today), year)

    def q(self, lookup: str) -> Q:
        """The condition "`lookup` falls in the period" (use `field__date` on a datetime)."""
        condition = Q(**{f"{lookup}__lte": self.end})
        if self.start is not None:
            condition &= Q(**{f"{lookup}__gte": self.start})
        return condition

    def q_local(self, lookup: str) -> Q:
        """The condition "the moment `lookup` (a datetime) falls in the period", the days read
        in the current time zone, as `lookup__date` reads them: a range of moments (from the
        first day's local midnight to the midnight after the last day) that an index on the
        column serves, where the date of each row would be computed first."""
        condition = Q(**{f"{lookup}__lt": local_midnight(self.end + datetime.timedelta(days=1))})
        if self.start is not None:
            condition &= Q(**{f"{lookup}__gte": local_midnight(self.start)})
        return condition


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The moment `day` starts in the current time zone (aware)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
