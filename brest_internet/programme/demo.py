"""Demo data of the programme level: the reviews ("bilans") the coordination wrote.

Runs after every app's loader (brest_internet comes last in INSTALLED_APPS), so the figures a
review shows are those of the other demo parts. The source itself is such a review.
"""

import datetime

from django.utils.translation import gettext as _

from brest_internet.common.errors import Refusal
from neighborhoods.models import Neighbourhood, User

from .models import Review

REVIEWS = [
    (
        "Kerourien",
        datetime.date(2010, 3, 1),
        datetime.date(2010, 12, 31),
        "78 foyers abonnés à la fin de la première année (13 % des logements). Les ateliers du "
        "centre social sont l'accompagnement le plus demandé ; peu de demandes d'aide à "
        "domicile. Les abonnés sont surtout des personnes seules et des familles "
        "monoparentales aux revenus très modestes.",
        "Poursuivre les ateliers d'initiation ; relancer l'information dans les halls avec les "
        "associations du quartier.",
    ),
    (
        "Keredern",
        datetime.date(2012, 4, 1),
        datetime.date(2012, 12, 31),
        "101 foyers abonnés à la fin de 2012 (10 % des logements). L'accompagnement de "
        "proximité est ce qui fait franchir le pas aux nouveaux usagers.",
        "Proposer l'offre aux nouveaux locataires à leur arrivée ; ateliers le samedi.",
    ),
    # The source (13 January 2014) is the review of 2013 for both running neighbourhoods.
    (
        "Kerourien",
        datetime.date(2013, 1, 1),
        datetime.date(2013, 12, 31),
        "69 foyers abonnés aujourd'hui (12 % des logements), contre 78 la première année. "
        "Les ateliers restent l'accompagnement le plus demandé.",
        "Proposer l'offre aux locataires arrivés depuis le lancement.",
    ),
    (
        "Keredern",
        datetime.date(2013, 1, 1),
        datetime.date(2013, 12, 31),
        "132 foyers abonnés aujourd'hui (13 % des logements), contre 101 fin 2012.",
        "Poursuivre les ateliers du samedi ; aider Valy-Hir à préparer son lancement.",
    ),
]


def load(ctx):
    author = User.objects.filter(username="coordinatrice").first()
    created = 0
    for name, start, end, findings, next_steps in REVIEWS:
        nbh = Neighbourhood.objects.filter(name=name).first()
        if nbh is None:
            continue
        _review, was_created = Review.objects.get_or_create(
            neighbourhood=nbh,
            period_start=start,
            period_end=end,
            defaults={"findings": findings, "next_steps": next_steps, "author": author},
        )
        created += was_created
    ctx.progress(_("%(n)d bilans de quartier") % {"n": len(REVIEWS)})
    run_a_job(ctx, author)


def run_a_job(ctx, author):
    """The jobs' page shows one: the coordination runs the last month's charges again, as a
    job, run at once by the loader (it has no worker to wait for). The run adds nothing: the
    month is already billed, and a run never bills a dwelling twice."""
    from brest_internet.jobs.models import Job
    from brest_internet.jobs.runner import JobAlreadyQueued
    from subscriptions import tasks as charge_tasks
    from subscriptions.models import ChargeMonth

    last = ChargeMonth.objects.order_by("-month").first()
    if author is None or last is None or Job.objects.exists():
        return
    try:
        job = charge_tasks.charges_generate_defer(
            month=f"{last.month:%Y-%m}", by=author, landlord=None, inline=True
        )
    except (Refusal, JobAlreadyQueued):
        return
    ctx.progress(_("Une tâche de fond : %(job)s") % {"job": job})
