"""What the programme counts of its neighbourhoods: their registers and their stages.

Set-based, for national size: the register of each neighbourhood is read from the size its
writers keep (`RegisterSize`), or counted once by a correlated COUNT(*) that its index answers
alone; the funnel and the headline are one query grouped by stage.

- dwellings of a neighbourhood: those of its register; before the register is imported, the
  number announced by the landlord (`expected_dwellings`);
- dwellings covered: those of the neighbourhoods whose vote adopted the offer (launch, running);
  dwellings to come: those of the neighbourhoods still on their way (candidate → vote).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, Min, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, NullIf

from .models import Dwelling, Neighbourhood, StageChange

Stage = Neighbourhood.Stage
ADOPTED = (Stage.LAUNCH, Stage.RUNNING)
COMING = (Stage.CANDIDATE, Stage.PARTNERS, Stage.INFORMATION, Stage.VOTE)
# The pipeline in order, then the stops: the funnel's rows.
PIPELINE = (*COMING, *ADOPTED)


def register_size():
    """The register's size of the outer neighbourhood: COUNT(*), which its index answers alone
    (an index-only scan, no visit of the dwellings' rows)."""
    inner = (
        Dwelling.objects.filter(neighbourhood=OuterRef("pk"))
        .order_by()
        .values("neighbourhood")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(inner, output_field=IntegerField()), 0)


def kept_register_size():
    """The register's size of the outer neighbourhood as its writers keep it (`RegisterSize`,
    `neighborhoods.summaries`): one row joined, whatever the register's size. The same number
    as `register_size()`, which the tests check after every writer."""
    return Coalesce(F("register_size__dwellings"), 0, output_field=IntegerField())


def known_dwellings(neighbourhoods):
    """Annotate `known_dwellings` (register, else announced), counting the register once."""
    return neighbourhoods.annotate(
        known_dwellings=Coalesce(
            NullIf(register_size(), 0), F("expected_dwellings"), output_field=IntegerField()
        )
    )


def known(nbh) -> int | None:
    """The same in Python, for a neighbourhood annotated with `dwelling_count`."""
    return nbh.dwelling_count or nbh.expected_dwellings


@dataclass
class FunnelRow:
    stage: str
    label: str
    neighbourhoods: int
    dwellings: int
    stop: bool


def stage_rows(neighbourhoods) -> list[tuple[str, int, int]]:
    """(stage, neighbourhoods, known dwellings) per stage: one grouped query over the
    neighbourhoods and their kept register sizes (no dwelling read), whatever their number."""
    known = Coalesce(
        NullIf(kept_register_size(), 0), F("expected_dwellings"), 0, output_field=IntegerField()
    )
    return list(
        neighbourhoods.order_by()
        .values("stage")
        .annotate(n=Count("pk"), dwellings=Sum(known))
        .values_list("stage", "n", "dwellings")
    )


def funnel(neighbourhoods, rows=None) -> list[FunnelRow]:
    """Neighbourhoods and dwellings at each stage (pipeline order, then the stops).

    `rows`: `stage_rows` when the caller already has them (the dashboard reads them once for
    the funnel and the headline); otherwise one query.
    """
    rows = stage_rows(neighbourhoods) if rows is None else rows
    found: dict[str, list[int]] = {}
    for stage, count, dwellings in rows:
        n_total = found.setdefault(stage, [0, 0])
        n_total[0] += count
        n_total[1] += dwellings or 0
    stages = [*PIPELINE, *Neighbourhood.STOPS]
    return [
        FunnelRow(
            stage=stage,
            label=str(Stage(stage).label),
            neighbourhoods=found.get(stage, [0, 0])[0],
            dwellings=found.get(stage, [0, 0])[1],
            stop=stage in Neighbourhood.STOPS,
        )
        for stage in stages
    ]


def headline(neighbourhoods, rows=None) -> dict:
    """Neighbourhoods and dwellings covered (adopted or running) and to come (`rows`: as for
    `funnel`)."""
    rows = stage_rows(neighbourhoods) if rows is None else rows
    figures = dict.fromkeys(
        (
            "covered_neighbourhoods",
            "covered_dwellings",
            "coming_neighbourhoods",
            "coming_dwellings",
            "running_neighbourhoods",
        ),
        0,
    )
    for stage, count, dwellings in rows:
        for group, stages in (("covered", ADOPTED), ("coming", COMING)):
            if stage in stages:
                figures[f"{group}_neighbourhoods"] += count
                figures[f"{group}_dwellings"] += dwellings or 0
        if stage == Stage.RUNNING:
            figures["running_neighbourhoods"] += count
    return figures


def first_year() -> int | None:
    """The year of the first recorded step of any neighbourhood (the filter's first year)."""
    first = StageChange.objects.aggregate(first=Min("happened_on"))["first"]
    return first.year if first else None
