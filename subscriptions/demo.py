"""Demo data of the subscriptions app: the offer, the €1 tariff, subscription histories that
reproduce the source's counts, and the charges billed every month since each launch.

Source figures (active subscribers): Kerourien 78 at the end of 2010 and 69 in January 2014;
Keredern 101 at the end of 2012 and 132 in January 2014. Valy-Hir, launched on 1 February 2014,
gets the requests of its two launch half-days. Charges are billed from each launch month up to
February 2014; every month but February 2014 is exported (locked).

Runs after the neighbourhoods and votes loaders (which create the dwellings, households and
take the neighbourhoods to "running"); a neighbourhood not running yet is skipped. Idempotent.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from neighborhoods.models import Meeting, Neighbourhood, Occupancy, Organisation, User

from . import summaries
from .models import ChargeExport, ChargeMonth, ChargeRun, Offer, Subscription, Tariff
from .services import charge_month_export, charges_generate
from .stats import month_starts

D = datetime.date
TARIFF_START = D(2010, 1, 1)

# name: (launch date if neighborhoods.demo has no TIMELINE,
#        [(activations, from, to)], [(cancellations among the first wave, from, to)])
HISTORIES = {
    "Kerourien": {
        "launch": D(2010, 3, 1),
        # 78 active at 31/12/2010; 30 leave, 21 join: 69 at 31/01/2014.
        "waves": [(78, D(2010, 3, 8), D(2010, 12, 20)), (21, D(2011, 2, 1), D(2014, 1, 20))],
        "cancellations": (30, D(2011, 1, 10), D(2014, 1, 25)),
    },
    "Keredern": {
        "launch": D(2012, 4, 1),
        # 101 active at 31/12/2012; 15 leave, 46 join: 132 at 31/01/2014.
        "waves": [(101, D(2012, 4, 5), D(2012, 12, 20)), (46, D(2013, 1, 8), D(2014, 1, 22))],
        "cancellations": (15, D(2013, 2, 1), D(2014, 1, 28)),
    },
    "Valy-Hir": {"launch": D(2014, 2, 1), "waves": [], "cancellations": (0, None, None)},
}
HALF_DAYS = [(D(2014, 2, 5), 17, 9), (D(2014, 2, 19), 12, 0)]  # date, requests, activated
CANCEL_REASONS = [
    "Déménagement hors du quartier",
    "Abonnement chez un autre opérateur",
    "N'utilise plus le service",
    "Décès du titulaire",
]


def launch_dates():
    from neighborhoods.demo import TIMELINE  # written by the neighbourhoods demo

    dates = {}
    for name, values in TIMELINE.items():
        launch = values.get("launch") if isinstance(values, dict) else None
        if isinstance(launch, datetime.date):
            dates[name] = launch
    return dates


def _between(rng, start, end):
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def _households_in_turn(nbh, rng):
    """The households living in `nbh` today, in a reproducible random order."""
    occupancies = list(
        Occupancy.objects.filter(dwelling__neighbourhood=nbh, moved_out__isnull=True)
        .select_related("household", "dwelling")
        .order_by("dwelling__reference")
    )
    rng.shuffle(occupancies)
    return iter(occupancies)


def offer_and_tariff(ctx):
    operator = ctx.objects.get("organisations", {}).get("operator")
    if operator is None:
        operator, _created = Organisation.objects.get_or_create(
            name="Numericable", defaults={"short_name": "Numericable", "kind": "operator"}
        )
    offer, _created = Offer.objects.get_or_create(
        name="NUMERISUN",
        defaults={
            "operator": operator,
            "download_mbps": 5,
            "incoming_calls": True,
            "basic_tv": True,
            "modem_lent_free": True,
            "description": _(
                "Internet 5 Mbit/s, appels entrants et chaînes de base de la TNT ; modem wifi "
                "prêté gratuitement par l'opérateur. 1 € par mois et par logement, dans les "
                "charges locatives."
            ),
        },
    )
    if not Tariff.objects.exists():
        Tariff.objects.create(offer=offer, amount=Decimal("1.00"), starts_on=TARIFF_START)
    return offer


def _serial(rng):
    return f"NC{rng.randint(10**7, 10**8 - 1)}"


def subscriptions_for(nbh, history, rng, ctx):
    """Build (not save) the subscription history of one neighbourhood (its cancellations
    recorded by the system actor on the day the service stopped)."""
    pool = _households_in_turn(nbh, rng)
    subs = []

    def take():
        return next(pool, None)

    waves = history["waves"]
    first_wave = []
    for i, (count, start, end) in enumerate(waves):
        for _n in range(count):
            occ = take()
            if occ is None:
                ctx.progress(_("%(n)s : pas assez de foyers pour l'historique") % {"n": nbh})
                return subs
            activated = _between(rng, start, end)
            requested = activated - datetime.timedelta(days=rng.randint(5, 20))
            requested = max(requested, nbh.launched_on)
            sub = Subscription(
                dwelling=occ.dwelling,
                household=occ.household,
                # The first weeks' requests come from the launch half-days.
                channel="half_day"
                if requested - nbh.launched_on < datetime.timedelta(days=30)
                else rng.choice(["centre", "centre", "phone"]),
                status=Subscription.Status.ACTIVE,
                requested_on=requested,
                sent_on=min(requested + datetime.timedelta(days=2), activated),
                activated_on=activated,
                modem_serial=_serial(rng),
            )
            subs.append(sub)
            if i == 0:
                first_wave.append(sub)
    count, start, end = history["cancellations"]
    system = User.objects.system()
    for sub in rng.sample(first_wave, min(count, len(first_wave))):
        sub.status = Subscription.Status.CANCELLED
        sub.cancelled_on = max(_between(rng, start, end), sub.activated_on)
        sub.mark_cancelled(
            by=system, reason=rng.choice(CANCEL_REASONS), at=_aware(sub.cancelled_on, 17)
        )
    return subs


def valy_hir_requests(nbh, rng):
    meetings = {
        m.held_on: m for m in Meeting.objects.filter(neighbourhood=nbh, kind=Meeting.Kind.LAUNCH)
    }
    pool = _households_in_turn(nbh, rng)
    subs = []
    for day, requests, activated in HALF_DAYS:
        for i in range(requests):
            occ = next(pool, None)
            if occ is None:
                return subs
            sub = Subscription(
                dwelling=occ.dwelling,
                household=occ.household,
                channel=Subscription.Channel.HALF_DAY,
                half_day=meetings.get(day),
                requested_on=day,
            )
            if i < activated:
                sub.status = Subscription.Status.ACTIVE
                sub.sent_on = day + datetime.timedelta(days=2)
                sub.activated_on = day + datetime.timedelta(days=rng.randint(10, 20))
                sub.modem_serial = _serial(rng)
            elif day < D(2014, 2, 15):
                sub.status = Subscription.Status.SENT
                sub.sent_on = day + datetime.timedelta(days=2)
            subs.append(sub)
    return subs


def _aware(day, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def bill_months(ctx, first_launch):
    """Bill every month from the first launch to the demo's month; export all but the last."""
    last = ctx.today.replace(day=1)
    done = set(ChargeMonth.objects.values_list("month", flat=True))
    system = User.objects.system()
    billed = 0
    for month in month_starts(first_launch, last):
        if month in done:
            continue
        run = charges_generate(month=month, by=system)
        billed += run.lines_added
        # Dates as they would have been at the time (the run on the 2nd, the export on the 5th).
        ChargeRun.objects.filter(pk=run.pk).update(run_at=_aware(month + datetime.timedelta(1)))
        run.charges.update(created_at=_aware(month + datetime.timedelta(1)))
        if month < last:
            for lm in run.charge_month.landlords.select_related("landlord"):
                charge_month_export(month=month, landlord=lm.landlord, by=system)
            exported_at = _aware(month + datetime.timedelta(4), 14)
            run.charge_month.landlords.update(exported_at=exported_at)
            ChargeExport.objects.filter(landlord_month__charge_month=run.charge_month).update(
                created_at=exported_at
            )
    return billed


def load(ctx):
    offer_and_tariff(ctx)
    launches = launch_dates()
    rng = random.Random(2014)  # noqa: S311 - demo data, reproducible
    running = []
    for name, history in HISTORIES.items():
        nbh = Neighbourhood.objects.filter(name=name).first()
        if nbh is None or nbh.launched_on is None:
            ctx.progress(_("%(n)s n'est pas encore en service : ignoré") % {"n": name})
            continue
        expected = launches.get(name, history["launch"])
        if nbh.launched_on != expected:
            ctx.progress(
                _("%(n)s : lancé le %(d)s (calendrier de la démo : %(e)s)")
                % {"n": name, "d": nbh.launched_on, "e": expected}
            )
        running.append(nbh)
        if Subscription.objects.filter(dwelling__neighbourhood=nbh).exists():
            continue
        if name == "Valy-Hir":
            subs = valy_hir_requests(nbh, rng)
        else:
            subs = subscriptions_for(nbh, history, rng, ctx)
        bulk_create_with_history(subs, Subscription, batch_size=500)
        # Written in bulk, not through the services: the dashboard's summary is recounted.
        summaries.subscription_months_refresh([nbh.pk])
        ctx.progress(_("%(n)s : %(c)d abonnements") % {"n": name, "c": len(subs)})
    if running:
        billed = bill_months(ctx, min(n.launched_on for n in running))
        ctx.progress(
            _("Charges : %(n)d lignes ajoutées, %(m)d mois facturés")
            % {"n": billed, "m": ChargeMonth.objects.count()}
        )
