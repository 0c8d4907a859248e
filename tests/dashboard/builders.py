"""A small programme whose figures are computed by hand (see `EXPECTED`), and a way to grow it.

Rows are written straight through the ORM: these tests check the figures, not the services
that produce the rows (each app tests its own).
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import F
from django.utils import timezone

from neighborhoods.models import Dwelling, Household, Meeting, Neighbourhood, Organisation
from neighborhoods.summaries import register_sizes_refresh
from subscriptions.models import (
    Adjustment,
    Charge,
    ChargeMonth,
    ChargeRun,
    MonthTotal,
    Offer,
    Payer,
    Subscription,
    Tariff,
)
from subscriptions.summaries import subscription_months_refresh
from support.models import (
    AdviceRequest,
    ComputerModel,
    ComputerOrder,
    HalfDayVisit,
    HomeHelpRequest,
    Registration,
    WorkshopSession,
    WorkshopTopic,
)
from support.summaries import month_of, workshop_months_refresh
from tests import factories as f
from votes.models import Vote

Stage = Neighbourhood.Stage
D = datetime.date


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


def dwellings(nbh, n, prefix):
    created = Dwelling.objects.bulk_create(
        Dwelling(neighbourhood=nbh, reference=f"{prefix}-{i:05d}", address=f"{i} rue de test")
        for i in range(n)
    )
    # Rows written straight through the ORM: the summaries the services would keep are
    # recounted, as the benchmark does after its raw inserts.
    register_sizes_refresh([nbh.pk])
    return created


def household(name):
    return Household.objects.create(name=name)


def certified_vote(nbh, *, on, roll, yes, no, blank=0, spoiled=0):
    return Vote.objects.create(
        neighbourhood=nbh,
        roll_date=on - datetime.timedelta(days=20),
        opens_on=on - datetime.timedelta(days=10),
        closes_on=on - datetime.timedelta(days=6),
        status=Vote.Status.CERTIFIED,
        roll_size=roll,
        roll_fingerprint="f" * 64,
        voters=yes + no + blank + spoiled,
        yes_count=yes,
        no_count=no,
        blank_count=blank,
        spoiled_count=spoiled,
        certified_on=on,
    )


def subscription(dwelling, *, requested, activated=None, cancelled=None):
    status = Subscription.Status.REQUESTED
    if activated:
        status = Subscription.Status.ACTIVE
    if cancelled:
        status = Subscription.Status.CANCELLED
    sub = Subscription.objects.create(
        dwelling=dwelling,
        household=household(f"Abonné {dwelling.reference}"),
        status=status,
        channel=Subscription.Channel.CENTRE,
        requested_on=requested,
        activated_on=activated,
        modem_serial="MODEM" if activated else "",
        cancelled_on=cancelled,
        cancel_reason="Déménagement" if cancelled else "",
        cancelled_at=timezone.make_aware(datetime.datetime.combine(cancelled, datetime.time()))
        if cancelled
        else None,
    )
    subscription_months_refresh([dwelling.neighbourhood_id])
    return sub


def bill(nbh, month, *, amount=Decimal("1.00")):
    """One charge line per dwelling of `nbh` for `month` (paid by the landlord: no household)."""
    offer = Offer.objects.first() or Offer.objects.create(
        operator=f.OrganisationFactory(name="Opérateur", kind=Organisation.Kind.OPERATOR),
        name="NUMERISUN",
    )
    tariff = Tariff.objects.first() or Tariff.objects.create(
        offer=offer, amount=amount, starts_on=D(2010, 1, 1)
    )
    charge_month, _ = ChargeMonth.objects.get_or_create(month=month)
    run = ChargeRun.objects.create(charge_month=charge_month, tariff=tariff)
    Charge.objects.bulk_create(
        Charge(
            dwelling=d,
            neighbourhood=nbh,
            month=month,
            amount=amount,
            payer=Payer.LANDLORD,
            tariff=tariff,
            run=run,
        )
        for d in nbh.dwellings.all()
    )
    # The run keeps its per-month, per-neighbourhood totals with the lines (billing_sql): so
    # does this builder, since the dashboard reads its amounts from them.
    lines = nbh.dwellings.count()
    total, _ = MonthTotal.objects.get_or_create(month=month, neighbourhood=nbh)
    MonthTotal.objects.filter(pk=total.pk).update(
        lines=F("lines") + lines,
        amount=F("amount") + amount * lines,
        landlord=F("landlord") + amount * lines,
    )
    return charge_month


def session(nbh, topic, when, capacity=10):
    created = WorkshopSession.objects.create(
        topic=topic,
        centre=nbh.centre,
        neighbourhood=nbh,
        starts_at=at(when, 10),
        ends_at=at(when, 12),
        facilitator="Animatrice",
        capacity=capacity,
    )
    workshop_months_refresh({(nbh.pk, when)})  # written round the services, as above
    return created


def register(sess, hh, status=Registration.Status.REGISTERED, attendance=""):
    created = Registration.objects.create(
        session=sess, household=hh, status=status, attendance=attendance
    )
    workshop_months_refresh({(sess.neighbourhood_id, month_of(sess.starts_at))})
    return created


def build_small(orgs):
    """The hand-computed programme (EXPECTED below): five neighbourhoods, two running."""
    alpha = f.NeighbourhoodFactory(
        name="Alpha",
        slug="alpha",
        landlord=orgs.landlord,
        centre=orgs.centre,
        stage=Stage.RUNNING,
        launched_on=D(2012, 3, 1),
    )
    alpha.associations.add(orgs.association)
    beta = f.NeighbourhoodFactory(
        name="Beta",
        slug="beta",
        landlord=orgs.landlord,
        centre=orgs.other_centre,
        stage=Stage.RUNNING,
        launched_on=D(2013, 6, 1),
    )
    beta.associations.add(orgs.other_association)
    gamma = f.NeighbourhoodFactory(
        name="Gamma", slug="gamma", stage=Stage.CANDIDATE, expected_dwellings=50
    )
    delta = f.NeighbourhoodFactory(
        name="Delta", slug="delta", stage=Stage.VOTE, expected_dwellings=8
    )
    epsilon = f.NeighbourhoodFactory(
        name="Epsilon", slug="epsilon", stage=Stage.DECLINED, expected_dwellings=30
    )
    a_dw = dwellings(alpha, 10, "A")
    b_dw = dwellings(beta, 20, "B")
    dwellings(delta, 5, "D")

    certified_vote(alpha, on=D(2012, 1, 20), roll=10, yes=5, no=3)
    certified_vote(beta, on=D(2013, 4, 10), roll=20, yes=6, no=4, blank=1, spoiled=1)

    subscription(a_dw[0], requested=D(2012, 3, 5), activated=D(2012, 3, 10))
    subscription(
        a_dw[1], requested=D(2012, 4, 20), activated=D(2012, 5, 1), cancelled=D(2013, 2, 1)
    )
    subscription(a_dw[2], requested=D(2013, 1, 10), activated=D(2013, 1, 15))
    subscription(b_dw[0], requested=D(2013, 6, 20), activated=D(2013, 7, 1))
    subscription(b_dw[1], requested=D(2013, 11, 1))

    december = D(2013, 12, 1)
    month = bill(alpha, december)
    bill(beta, december)
    Adjustment.objects.create(
        charge_month=month,
        dwelling=a_dw[0],
        neighbourhood=alpha,
        kind=Adjustment.Kind.CREDIT,
        amount=Decimal("1.00"),
        payer=Payer.LANDLORD,
        reason="Logement vacant",
    )

    topic = WorkshopTopic.objects.create(name="Premiers pas sur Internet")
    h1, h2, h3, h4 = (household(n) for n in ("Foyer 1", "Foyer 2", "Foyer 3", "Foyer 4"))
    s1 = session(alpha, topic, D(2013, 10, 5), capacity=2)
    register(s1, h1, attendance=Registration.Attendance.ATTENDED)
    register(s1, h2, attendance=Registration.Attendance.ABSENT)
    register(s1, h3, status=Registration.Status.WAITING)
    s2 = session(alpha, topic, D(2013, 11, 9))
    register(s2, h1, attendance=Registration.Attendance.ATTENDED)
    s3 = session(beta, topic, D(2013, 11, 20))
    register(s3, h4)
    s4 = session(alpha, topic, D(2012, 6, 1))
    register(s4, h1, attendance=Registration.Attendance.ATTENDED)

    launch_day = Meeting.objects.create(
        neighbourhood=alpha, kind=Meeting.Kind.LAUNCH, held_on=D(2012, 3, 5)
    )
    HalfDayVisit.objects.create(half_day=launch_day, household=h1, connection_requested=True)
    HalfDayVisit.objects.create(half_day=launch_day, household=h2)

    HomeHelpRequest.objects.create(
        household=h1,
        neighbourhood=alpha,
        kind=HomeHelpRequest.Kind.MODEM,
        requested_on=D(2013, 3, 1),
        status=HomeHelpRequest.Status.DONE,
        done_on=D(2013, 3, 8),
        outcome="Modem branché",
    )
    HomeHelpRequest.objects.create(
        household=h4,
        neighbourhood=beta,
        kind=HomeHelpRequest.Kind.OTHER,
        requested_on=D(2013, 8, 1),
    )
    AdviceRequest.objects.create(
        household=h1,
        neighbourhood=alpha,
        association=orgs.association,
        topic=AdviceRequest.Topic.CANCELLATION,
        question="Comment résilier mon ancien abonnement ?",
        requested_on=D(2013, 5, 5),
        status=AdviceRequest.Status.ANSWERED,
        answer="Par lettre recommandée.",
        answered_at=at(D(2013, 5, 10)),
    )
    AdviceRequest.objects.create(
        household=h4,
        neighbourhood=beta,
        association=orgs.other_association,
        topic=AdviceRequest.Topic.OTHER,
        question="Que comprend l'offre ?",
        requested_on=D(2013, 9, 9),
    )
    pc40 = ComputerModel.objects.create(name="Portable reconditionné", price=Decimal("40"))
    pc70 = ComputerModel.objects.create(name="Fixe reconditionné", price=Decimal("70"))
    ComputerOrder.objects.create(
        household=h1,
        neighbourhood=alpha,
        computer=pc40,
        price=Decimal("40"),
        status=ComputerOrder.Status.PAID,
        ordered_on=D(2013, 4, 1),
        paid_on=D(2013, 4, 4),
    )
    ComputerOrder.objects.create(
        household=h2,
        neighbourhood=alpha,
        computer=pc70,
        price=Decimal("70"),
        status=ComputerOrder.Status.HANDED_OVER,
        ordered_on=D(2012, 3, 5),
        paid_on=D(2012, 4, 1),
        handed_over_on=D(2012, 4, 2),
    )
    ComputerOrder.objects.create(
        household=h4,
        neighbourhood=beta,
        computer=pc40,
        price=Decimal("40"),
        ordered_on=D(2013, 12, 1),
    )
    return SimpleNamespace(alpha=alpha, beta=beta, gamma=gamma, delta=delta, epsilon=epsilon)


def grow(orgs, n):
    """`n` more running neighbourhoods, each with dwellings, a vote, subscriptions, sessions,
    requests and charges: the figures' query count must not move."""
    topic = WorkshopTopic.objects.get_or_create(name="Courriel")[0]
    computer = ComputerModel.objects.get_or_create(name="Modèle", defaults={"price": 40})[0]
    for i in range(n):
        nbh = f.NeighbourhoodFactory(
            name=f"Quartier grossi {i}",
            slug=f"quartier-grossi-{i}",
            landlord=orgs.landlord,
            centre=orgs.centre,
            stage=Stage.RUNNING,
            launched_on=D(2011, 1 + i % 12, 1),
        )
        dws = dwellings(nbh, 15, f"G{i}")
        certified_vote(nbh, on=D(2010, 11, 1 + i % 28), roll=15, yes=9, no=5)
        for d in dws[:4]:
            subscription(d, requested=D(2011, 6, 1), activated=D(2011, 6, 10))
        for day in (D(2012, 2, 1), D(2013, 3, 1), D(2013, 9, 1)):
            sess = session(nbh, topic, day)
            for j in range(3):
                register(sess, household(f"G{i}-{day}-{j}"), attendance="attended")
        hh = household(f"G{i}")
        HomeHelpRequest.objects.create(
            household=hh, neighbourhood=nbh, kind="modem", requested_on=D(2013, 2, 1)
        )
        AdviceRequest.objects.create(
            household=hh,
            neighbourhood=nbh,
            association=orgs.association,
            topic="other",
            question="?",
            requested_on=D(2013, 2, 2),
        )
        ComputerOrder.objects.create(
            household=hh,
            neighbourhood=nbh,
            computer=computer,
            price=40,
            status="paid",
            ordered_on=D(2013, 1, 1),
            paid_on=D(2013, 1, 2),
        )
        for month in (D(2013, 11, 1), D(2013, 12, 1)):
            bill(nbh, month)
