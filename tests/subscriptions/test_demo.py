"""The demo: subscription histories that reproduce the source, charges billed since each launch,
and the acceptance check of the issue: after the demo, March 2014 bills 2 043 dwellings for
2 043,00 € and a second run adds nothing.
"""

import datetime
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from neighborhoods import demo as nbh_demo
from neighborhoods.models import Dwelling, Household, Neighbourhood, Occupancy
from subscriptions import demo
from subscriptions.models import Charge, ChargeMonth, LandlordMonth, Subscription
from subscriptions.stats import subscription_rate_on

D = datetime.date
LAUNCHES = {"Kerourien": D(2010, 3, 1), "Keredern": D(2012, 4, 1), "Valy-Hir": D(2014, 2, 1)}
SIZES = {"Kerourien": 596, "Keredern": 1052, "Valy-Hir": 395}


class Ctx(SimpleNamespace):
    def progress(self, message):
        self.messages.append(message)


def make_ctx():
    return Ctx(today=D(2014, 2, 28), password="motdepasse-de-test", objects={}, messages=[])


def ensure_register(ctx):
    """What the neighbourhoods and votes loaders provide: running neighbourhoods with their
    dwellings and households. Built here only when those loaders do not (yet) build it."""
    nbh_demo.load(ctx)
    for name, size in SIZES.items():
        nbh = Neighbourhood.objects.get(name=name)
        if nbh.launched_on is None:
            Neighbourhood.objects.filter(pk=nbh.pk).update(
                stage=Neighbourhood.Stage.RUNNING, launched_on=LAUNCHES[name]
            )
        missing = size - nbh.dwellings.count()
        if missing <= 0:
            continue
        prefix = name[:3].upper()
        dwellings = Dwelling.objects.bulk_create(
            Dwelling(
                neighbourhood=nbh,
                reference=f"{prefix}-{i:05d}",
                address=f"{i} rue de {name}",
                status=Dwelling.Status.VACANT if i % 40 == 0 else Dwelling.Status.OCCUPIED,
            )
            for i in range(missing)
        )
        occupied = [d for d in dwellings if d.status == Dwelling.Status.OCCUPIED]
        households = Household.objects.bulk_create(
            Household(name=f"Foyer {d.reference}") for d in occupied
        )
        Occupancy.objects.bulk_create(
            Occupancy(household=h, dwelling=d, moved_in=D(2005, 1, 1))
            for h, d in zip(households, occupied, strict=True)
        )


@pytest.fixture
def loaded(db):
    ctx = make_ctx()
    ensure_register(ctx)
    demo.load(ctx)
    return ctx


def active(name, day):
    [series] = subscription_rate_on(Neighbourhood.objects.filter(name=name), day)
    return series.points[0].active


def test_demo_reproduces_the_source_and_bills_since_each_launch(loaded):
    """Every figure is read back through the same functions the pages and dashboard use."""
    assert active("Kerourien", D(2010, 12, 31)) == 78
    assert active("Kerourien", D(2014, 1, 31)) == 69
    assert active("Keredern", D(2012, 12, 31)) == 101
    assert active("Keredern", D(2014, 1, 31)) == 132
    assert Subscription.objects.filter(status="cancelled").count() == 45
    valy = Subscription.objects.filter(dwelling__neighbourhood__name="Valy-Hir")
    assert valy.count() == 29
    assert set(valy.values_list("channel", flat=True)) == {"half_day"}
    # Charges billed every month since each launch.
    months = ChargeMonth.objects.order_by("month")
    assert months.first().month == D(2010, 3, 1)
    assert months.last().month == D(2014, 2, 1)
    assert months.count() == 48
    states = LandlordMonth.objects.all()  # the demo has one landlord, Bmh
    assert states.count() == 48
    assert not states.get(charge_month__month=D(2014, 2, 1)).is_locked
    assert all(lm.is_locked for lm in states.exclude(charge_month__month=D(2014, 2, 1)))
    by_nbh = {name: Charge.objects.filter(neighbourhood__name=name).count() for name in SIZES}
    assert by_nbh == {"Kerourien": 596 * 48, "Keredern": 1052 * 23, "Valy-Hir": 395}
    # Loading again changes nothing.
    counts = (Subscription.objects.count(), Charge.objects.count(), ChargeMonth.objects.count())
    demo.load(make_ctx())
    assert (
        Subscription.objects.count(),
        Charge.objects.count(),
        ChargeMonth.objects.count(),
    ) == counts


def test_march_2014_bills_2043_dwellings_once_and_exports(loaded, tmp_path):
    out = io.StringIO()
    call_command("generate_charges", "--month", "2014-03", stdout=out)
    lines = Charge.objects.filter(month=D(2014, 3, 1))
    assert lines.count() == 2043
    assert sum(lines.values_list("amount", flat=True)) == Decimal("2043.00")
    assert "2043 lignes ajoutées pour 2043,00 €" in out.getvalue()
    out = io.StringIO()
    call_command("generate_charges", "--month", "2014-03", stdout=out)
    # Nothing added the second time ("0 ligne ajoutée" once the French catalogue has the
    # plural entry, gettext's fallback "0 lignes ajoutées" until then).
    assert re.search(r"\b0 lignes? ajoutées? pour 0,00 €", out.getvalue())
    assert lines.count() == 2043
    # Exporting February 2014 (still open in the demo) writes its lines and locks it.
    target = tmp_path / "charges.csv"
    out = io.StringIO()
    call_command("export_charges", "--month", "2014-02", "--output", str(target), stdout=out)
    text = target.read_bytes().decode("utf-8")
    assert text.startswith("\ufeffmois;référence logement;quartier;payeur;montant")
    rows = text.strip().split("\r\n")[1:]
    assert len(rows) == 2043
    total = sum(Decimal(r.split(";")[4].replace(",", ".")) for r in rows)
    assert total == Decimal("2043.00")
    assert LandlordMonth.objects.get(charge_month__month=D(2014, 2, 1)).is_locked
    assert "verrouillé" in out.getvalue()
    # Bad months are refused with a clear message.
    with pytest.raises(CommandError, match="Mois invalide"):
        call_command("generate_charges", "--month", "mars", stdout=io.StringIO())
    with pytest.raises(CommandError, match="verrouillé"):
        call_command("generate_charges", "--month", "2013-05", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Aucun quartier"):
        call_command("generate_charges", "--month", "2009-12", stdout=io.StringIO())
    with pytest.raises(CommandError, match="pas encore été généré"):
        call_command("export_charges", "--month", "2014-04", "--output", "-", stdout=io.StringIO())


def test_full_demo_command_bills_march_2014(db):
    """With every app's loader: `load_brest_demo` then `generate_charges --month 2014-03`."""
    call_command("load_brest_demo", stdout=io.StringIO())
    running = Neighbourhood.objects.running_on(D(2014, 3, 1))
    assert Dwelling.objects.filter(neighbourhood__in=running).count() == 2043
    call_command("generate_charges", "--month", "2014-03", stdout=io.StringIO())
    lines = Charge.objects.filter(month=D(2014, 3, 1))
    assert lines.count() == 2043
    assert sum(lines.values_list("amount", flat=True)) == Decimal("2043.00")
    call_command("generate_charges", "--month", "2014-03", stdout=io.StringIO())
    assert lines.count() == 2043


def test_active_subscriptions_on_a_demo_day_have_one_definition(loaded):
    """On 28 February 2014 (the demo's day): Kerourien keeps its 69 of 31 January and Keredern
    its 132 (the demo's last activations and cancellations fall before the end of January);
    Valy-Hir has the 9 activated after its first launch half-day (5 February, plus 10 to 20
    days), none yet on the 14th. The QuerySet, the Q builder in an aggregate over the
    dwellings and the stats read the same definition, so they give the same numbers."""
    from django.db.models import Count

    from subscriptions.models import active_on_q
    from subscriptions.stats import active_counts_on

    day = D(2014, 2, 28)
    expected = {"Kerourien": 69, "Keredern": 132, "Valy-Hir": 9}
    by_queryset = {
        name: Subscription.objects.active_on(day).filter(dwelling__neighbourhood__name=name).count()
        for name in expected
    }
    assert by_queryset == expected
    by_aggregate = dict(
        Neighbourhood.objects.filter(name__in=expected)
        .annotate(
            n=Count(
                "dwellings__subscriptions", filter=active_on_q(day, "dwellings__subscriptions__")
            )
        )
        .values_list("name", "n")
    )
    assert by_aggregate == expected
    nbhs = list(Neighbourhood.objects.filter(name__in=expected))
    counts = active_counts_on(nbhs, [day, D(2014, 2, 14)])
    assert {n.name: counts[(n.pk, 0)] for n in nbhs} == expected
    assert {n.name: counts.get((n.pk, 1), 0) for n in nbhs} == {**expected, "Valy-Hir": 0}
    assert Subscription.objects.active_on(day).count() == 69 + 132 + 9


def test_billed_per_subscriber_of_demo_months(loaded):
    """Every dwelling pays its €1 (no adjustment in the demo): in January and February 2014
    Kerourien bills 596 € for 69 subscribers (8,64 € each, 8,6377 rounded half up) and Keredern
    1 052 € for 132 (7,97 €); Valy-Hir, launched on 1 February, bills nothing in January and
    395 € for its 9 subscribers in February (43,89 €). The month's page reads the same."""
    from subscriptions.stats import billed_per_subscriber, month_figures, month_summary

    names = ["Kerourien", "Keredern", "Valy-Hir"]
    nbhs = sorted(Neighbourhood.objects.filter(name__in=names), key=lambda n: names.index(n.name))
    rows = billed_per_subscriber(nbhs, D(2014, 1, 1), D(2014, 2, 28))
    got = [(f.neighbourhood.name, f.month, f.billed, f.subscribers, f.per_subscriber) for f in rows]
    assert got == [
        ("Kerourien", D(2014, 1, 1), Decimal("596.00"), 69, Decimal("8.64")),
        ("Kerourien", D(2014, 2, 1), Decimal("596.00"), 69, Decimal("8.64")),
        ("Keredern", D(2014, 1, 1), Decimal("1052.00"), 132, Decimal("7.97")),
        ("Keredern", D(2014, 2, 1), Decimal("1052.00"), 132, Decimal("7.97")),
        ("Valy-Hir", D(2014, 1, 1), Decimal("0.00"), 0, None),
        ("Valy-Hir", D(2014, 2, 1), Decimal("395.00"), 9, Decimal("43.89")),
    ]
    february = month_figures(D(2014, 2, 1), month_summary(D(2014, 2, 1), nbhs))
    assert {(f.neighbourhood.name, f.billed, f.per_subscriber) for f in february} == {
        ("Kerourien", Decimal("596.00"), Decimal("8.64")),
        ("Keredern", Decimal("1052.00"), Decimal("7.97")),
        ("Valy-Hir", Decimal("395.00"), Decimal("43.89")),
    }
