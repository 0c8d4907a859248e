"""Background jobs of the charges: thin wrappers around `services.charges_generate`.

The run writes a month's lines in one transaction (one INSERT … SELECT, or on a worker one
per batch of neighbourhoods, each batch's lines shown on the job's page as it is written): a
worker killed in the middle leaves none of them, and the retried job bills the month from
scratch; a run that finished bills nothing more when run again (the service skips billed
dwellings).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from brest_internet.jobs import runner
from neighborhoods.models import Dwelling, Neighbourhood, Organisation, User

from . import exports, rules, services
from .models import Charge


def charges_lock(month, landlord) -> str:
    """The queueing lock of a month's run: one at a time per landlord (or all) and month."""
    return f"charges:{services.parse_month(month):%Y-%m}:{landlord.pk if landlord else 'all'}"


def _lines_to_bill(month, landlord) -> int:
    running = Neighbourhood.objects.running_on(month)
    if landlord is not None:
        running = running.filter(landlord=landlord)
    dwellings = Dwelling.objects.filter(neighbourhood__in=running).count()
    billed = Charge.objects.filter(month=month, neighbourhood__in=running).count()
    return max(0, dwellings - billed)


def _run(progress, *, month, by, landlord) -> str:
    month = services.parse_month(month)
    progress.todo(_lines_to_bill(month, landlord))
    # On a worker the run rests between its batches (the pages keep their share); in the
    # request (no worker) it does not make the user wait longer.
    rest = 0.0 if runner.runs_inline() else settings.JOBS_CHARGE_RUN_YIELD
    run = services.charges_generate(
        month=month, by=by, landlord=landlord, rest=rest, progress=progress.advance
    )
    summary = ngettext(
        "%(m)s : %(n)d ligne ajoutée, %(a)s €.",
        "%(m)s : %(n)d lignes ajoutées, %(a)s €.",
        run.lines_added,
    ) % {
        "m": run.charge_month,
        "n": run.lines_added,
        "a": exports.money(run.amount_added),
    }
    for lm in run.locked:
        summary += " " + _("%(landlord)s : mois déjà exporté (verrouillé), non refacturé.") % {
            "landlord": lm.landlord
        }
    return runner.Outcome(
        summary,
        next_url=reverse("subscriptions:charges_month", kwargs={"month": run.charge_month.slug}),
        next_label=_("Voir le mois facturé"),
    )


@runner.task(
    name="subscriptions.charges_generate",
    label=gettext_lazy("Facturation du mois"),
    expected=(services.ChargeError,),
)
def charges_generate(progress, *, month: str, by_id: int | None, landlord_id: int | None):
    by = (User.objects.filter(pk=by_id).first() if by_id else None) or User.objects.system()
    landlord = Organisation.objects.get(pk=landlord_id) if landlord_id else None
    return _run(progress, month=month, by=by, landlord=landlord)


@runner.periodic(
    name="subscriptions.charges_monthly",
    label=gettext_lazy("Facturation mensuelle automatique"),
    cron=settings.JOBS_CHARGES_CRON,
    expected=(services.ChargeError,),
)
def charges_monthly(progress, *, timestamp: int):
    """The month just started, for every landlord (the system actor runs it)."""
    month = timezone.localdate().replace(day=1)
    return _run(progress, month=month, by=User.objects.system(), landlord=None)


def charges_generate_defer(
    *, month, by: User, landlord: Organisation | None, inline: bool | None = None
):
    """Queue the charge run of `month` (refused, in French, when it is already queued)."""
    if not rules.can_manage_charges(by, landlord):
        raise PermissionDenied
    month = services.parse_month(month)
    services.check_billable_month(month)
    return runner.defer(
        charges_generate,
        by=by,
        organisation=landlord,
        scope=_("%(m)s, %(who)s")
        % {"m": month.strftime("%m/%Y"), "who": landlord or _("tous les bailleurs")},
        target=f"{month:%Y-%m}",
        queueing_lock=charges_lock(month, landlord),
        already_queued=_(
            "La facturation de %(m)s pour %(who)s est déjà en attente ou en cours : "
            "suivez-la sur la page de la tâche."
        )
        % {"m": month.strftime("%m/%Y"), "who": landlord or _("tous les bailleurs")},
        inline=inline,
        month=f"{month:%Y-%m}",
        by_id=by.pk,
        landlord_id=landlord.pk if landlord else None,
    )
