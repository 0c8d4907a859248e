"""Support ("accompagnement"): workshops, launch half-days, home help, legal advice, computers.

The staff of the neighbourhood centres run it; the tenants' associations answer the legal-advice
requests. Every state field here is written only by the functions of `support.services`, which
lock the row they change (two staff members may act at the same moment at a launch half-day).
One module per section, re-exported here: `from support.models import Registration` holds.
"""

from .advice import AdviceRequest, AdviceRequestQuerySet
from .calendar import CentreCalendar, new_calendar_token
from .computers import ComputerModel, ComputerOrder
from .half_days import HalfDayVisit
from .home_help import HomeHelpRequest
from .summaries import WorkshopMonth
from .workshops import (
    MAX_SESSION_PLACES,
    Registration,
    WorkshopSession,
    WorkshopSessionQuerySet,
    WorkshopTopic,
)

__all__ = [
    "MAX_SESSION_PLACES",
    "AdviceRequest",
    "AdviceRequestQuerySet",
    "CentreCalendar",
    "ComputerModel",
    "ComputerOrder",
    "HalfDayVisit",
    "HomeHelpRequest",
    "Registration",
    "WorkshopSession",
    "WorkshopMonth",
    "WorkshopSessionQuerySet",
    "WorkshopTopic",
    "new_calendar_token",
]
