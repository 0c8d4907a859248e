"""Demo data of the votes app: the three votes of the source, certified at their dates.

Kerourien 61 %, Keredern 57,5 % and Valy-Hir 54 % of votes cast. Each vote goes through the
real services: roll frozen from the register (occupied dwellings at the roll date), two polling
stations, each with the sign-in of its voting dwellings and its count, entered by the
landlord's clerk and confirmed by the coordinator (double entry), certification (→ launch),
then the service starts at the launch date (→ running). Idempotent: a neighbourhood with its
vote is skipped.
"""

import datetime
import random
from fractions import Fraction

from django.utils import timezone
from django.utils.translation import gettext as _

from neighborhoods import pipeline
from neighborhoods.models import Neighbourhood, User

from . import services
from .models import Channel, Vote

Stage = Neighbourhood.Stage

# Turnout (voters / roll) of each vote: the source gives none; these are plausible.
TURNOUT = {
    "Kerourien": Fraction(48, 100),
    "Keredern": Fraction(41, 100),
    "Valy-Hir": Fraction(52, 100),
}
ROLL_DAYS_BEFORE = 21


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def plan_figures(roll, turnout, yes_share):
    """Voters, yes, no, blank, spoiled so that yes / (yes + no) is exactly `yes_share` %."""
    share = Fraction(yes_share) / 100
    voters = round(roll * turnout)
    not_cast = max(1, voters * 3 // 100)  # a few blank and spoiled ballots
    step = share.denominator
    cast = (voters - not_cast) // step * step
    yes = int(cast * share)
    rest = voters - cast
    blank = rest * 2 // 3
    return {"voters": voters, "yes": yes, "no": cast - yes, "blank": blank, "spoiled": rest - blank}


def _split(figures):
    """Two polling stations: about 55 % and 45 % of each figure."""
    first = {k: v * 55 // 100 for k, v in figures.items()}
    second = {k: v - first[k] for k, v in figures.items()}
    return first, second


def run_vote(nbh, dates, *, clerk, coordinator):
    opens, closes = dates["vote_opens"], dates["vote_closes"]
    roll_date = opens - datetime.timedelta(days=ROLL_DAYS_BEFORE)
    vote = Vote.objects.create(
        neighbourhood=nbh,
        method=Vote.Method.PAPER,
        roll_date=roll_date,
        opens_on=opens,
        closes_on=closes,
        created_by=clerk,
        created_at=_at(roll_date - datetime.timedelta(days=14), 10),
    )
    vote = services.roll_freeze(vote=vote, by=clerk, at=_at(roll_date, 17))

    plan = plan_figures(vote.roll_size, TURNOUT[nbh.name], dates["yes_share"])
    rng = random.Random(f"vote-{nbh.slug}")  # noqa: S311 - demo data, not security
    references = sorted(vote.roll_entries.values_list("reference", flat=True))
    voting = rng.sample(references, plan["voters"])

    ballots = {k: plan[k] for k in ("yes", "no", "blank", "spoiled")}
    centre = nbh.centre.short_name or nbh.centre.name if nbh.centre else _("mairie de quartier")
    for number, figures in enumerate(_split(ballots), start=1):
        station = _("Bureau %(n)d – %(place)s") % {"n": number, "place": centre}
        entered = services.Figures(**figures)
        # Each station's sheet has as many signatures as its box has ballots.
        signed, voting = voting[: entered.total], voting[entered.total :]
        services.participations_record(
            vote=vote,
            references=signed,
            channel=Channel.PAPER,
            station=station,
            by=clerk,
            on=closes,
        )
        count = services.count_enter(
            vote=vote,
            station=station,
            channel=Channel.PAPER,
            figures=entered,
            by=clerk,
            at=_at(closes, 19),
        )
        services.count_confirm(count=count, figures=entered, by=coordinator, at=_at(closes, 20))
    return services.vote_certify(vote=vote, by=coordinator, on=dates["certified"])


def load(ctx):
    from neighborhoods.demo import TIMELINE

    clerk = User.objects.get(username="bailleur")
    coordinator = User.objects.get(username="coordinatrice")
    for name, dates in TIMELINE.items():
        nbh = Neighbourhood.objects.select_related("centre").get(name=name)
        vote = nbh.votes.filter(opens_on=dates["vote_opens"]).first()
        if vote is None:
            if nbh.stage != Stage.VOTE:
                ctx.progress(
                    _("%(name)s : pas à l'étape du vote, aucun vote créé") % {"name": name}
                )
                continue
            vote = run_vote(nbh, dates, clerk=clerk, coordinator=coordinator)
        nbh.refresh_from_db()
        if nbh.stage == Stage.LAUNCH and dates["launch"] <= ctx.today:
            pipeline.advance(
                nbh, to_stage=Stage.RUNNING, on=dates["launch"], by=User.objects.system()
            )
        result = vote.result
        ctx.progress(
            _(
                "%(name)s : %(roll)d inscrits, %(voters)d votants, "
                "%(share)s %% de oui parmi les suffrages exprimés"
            )
            % {
                "name": name,
                "roll": result.roll,
                "voters": result.voters,
                "share": f"{result.yes_share:.1f}".replace(".", ",").removesuffix(",0"),
            }
        )
