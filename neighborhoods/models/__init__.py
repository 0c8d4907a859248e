"""Organisations, users and roles; neighbourhoods, their housing register and their pipeline.

Every other app stands on this one: votes, subscriptions and support all point at a
neighbourhood, a dwelling or a household defined here. One module per section, every name
re-exported here so that `from neighborhoods.models import Dwelling` works as it always did:

- `people`: organisations, users and their roles, the accounts' history;
- `neighbourhoods`: neighbourhoods, their sectors and their pipeline's history;
- `housing`: dwellings, households, occupancies, and the imports of the register;
- `meetings`: the pipeline's meetings and the dates corrected on it.
"""

from .housing import (
    Dwelling,
    Household,
    Occupancy,
    OccupancyQuerySet,
    RegisterImport,
    overlap_message,
)
from .meetings import DateCorrection, Meeting
from .neighbourhoods import (
    MAX_DWELLINGS,
    NAME_TAKEN_MESSAGE,
    PLANNED_YEAR,
    Neighbourhood,
    NeighbourhoodQuerySet,
    Sector,
    StageChange,
    normalise_name,
)
from .people import SYSTEM_USERNAME, AccountEvent, Organisation, PeopleManager, User
from .summaries import RegisterSize

__all__ = [
    "MAX_DWELLINGS",
    "NAME_TAKEN_MESSAGE",
    "PLANNED_YEAR",
    "SYSTEM_USERNAME",
    "AccountEvent",
    "DateCorrection",
    "Dwelling",
    "Household",
    "Meeting",
    "Neighbourhood",
    "NeighbourhoodQuerySet",
    "Occupancy",
    "OccupancyQuerySet",
    "Organisation",
    "PeopleManager",
    "RegisterImport",
    "RegisterSize",
    "Sector",
    "StageChange",
    "User",
    "normalise_name",
    "overlap_message",
]
