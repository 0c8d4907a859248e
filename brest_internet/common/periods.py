"""The period a figure is counted over: a year, or everything up to today."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

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
