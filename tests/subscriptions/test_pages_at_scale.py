"""The subscriptions' pages cost the same whatever the size of the programme: a page of rows,
no count over a big table, the month's bottom line from the run's totals."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from brest_internet.common import paginators
from brest_internet.common.paginators import (
    EstimatedCountPaginator,
    LookaheadPaginator,
    count_up_to,
)
from neighborhoods.models import Dwelling, Neighbourhood, User
from subscriptions.models import Adjustment, ChargeMonth, Subscription
from subscriptions.services import charges_generate
from subscriptions.summaries import subscription_months_refresh
from tests import factories as f

from .conftest import LAUNCH

D = datetime.date


@pytest.mark.django_db
def test_lookahead_pages_read_one_row_more_and_never_count(django_assert_num_queries):
    f.NeighbourhoodFactory.create_batch(5)
    paginator = LookaheadPaginator(Neighbourhood.objects.order_by("pk"), 2)
    with django_assert_num_queries(1):
        first = paginator.get_page(1)
        assert (len(first), first.has_next(), first.has_previous()) == (2, True, False)
    last = paginator.get_page(3)
    assert (len(last), last.has_next(), last.has_previous()) == (1, False, True)
    assert (last.start_index(), last.end_index()) == (5, 5)
    assert paginator.num_pages is None
    # Past the end, or not a number: the first page, as Django's get_page would give one.
    assert paginator.get_page(9).number == 1
    assert paginator.get_page("x").number == 1


@pytest.mark.django_db
def test_count_up_to_stops_at_its_bound():
    f.NeighbourhoodFactory.create_batch(4)
    assert count_up_to(Neighbourhood.objects.all(), 10) == (4, False)
    assert count_up_to(Neighbourhood.objects.all(), 4) == (4, False)
    assert count_up_to(Neighbourhood.objects.all(), 3) == (3, True)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="sqlite_stat1 is SQLite's")
def test_estimated_count_reads_sqlite_statistics_of_a_big_table(monkeypatch):
    monkeypatch.setattr(paginators, "EXACT_BELOW", 3)
    f.NeighbourhoodFactory.create_batch(4)
    queryset = Neighbourhood.objects.order_by("pk")
    assert EstimatedCountPaginator(queryset, 2).count == 4  # never analysed: exact
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    f.NeighbourhoodFactory.create_batch(2)
    assert EstimatedCountPaginator(queryset, 2).count == 4  # the statistics, not a COUNT
    assert EstimatedCountPaginator(queryset.filter(pk__gt=0), 2).count == 6  # filtered: exact


def subscribe(nbh, n, status=Subscription.Status.ACTIVE):
    for _ in range(n):
        occ = f.OccupancyFactory(dwelling=f.DwellingFactory(neighbourhood=nbh))
        Subscription.objects.create(
            dwelling=occ.dwelling,
            household=occ.household,
            channel="phone",
            status=status,
            requested_on=D(2012, 5, 1),
            sent_on=D(2012, 5, 2),
            activated_on=D(2012, 5, 10),
            modem_serial="NC-1",
        )
    # Written round the services, as the demo does: the monthly summary recounted after.
    subscription_months_refresh([nbh.pk])


def test_list_pages_without_counting_and_caps_its_caption(
    running, coordinator, client_for, monkeypatch, django_assert_max_num_queries
):
    from subscriptions.views import subscriptions as views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(views, "LISTED_UP_TO", 3)
    client = client_for(coordinator)
    subscribe(running.nbh, 2)
    with django_assert_max_num_queries(12) as small:
        response = client.get(reverse("subscriptions:list"))
    queries = len(small.captured_queries)
    assert response.context["listed"] == {"n": 2, "more": False}
    assert "2 abonnements" in response.content.decode()
    assert not response.context["page"].has_next()
    subscribe(running.nbh, 5)
    with django_assert_max_num_queries(queries):
        response = client.get(reverse("subscriptions:list"))
    page = response.context["page"]
    assert response.context["listed"] == {"n": 3, "more": True}
    html = response.content.decode()
    assert "Plus de 3 abonnements" in html
    assert "Page 1<" in html and "Page 1 sur" not in html
    assert page.has_next() and len(page) == 2
    third = client.get(reverse("subscriptions:list"), {"page": 4}).context["page"]
    assert (third.number, len(third), third.has_next()) == (4, 1, False)
    listed = client.get(reverse("subscriptions:list"), {"neighbourhood": running.nbh.pk})
    assert len(listed.context["page"]) == 2


def test_each_row_links_to_its_subscription_and_says_its_status_in_the_user_s_language(
    running, coordinator, client_for
):
    import re

    subscribe(running.nbh, 2)
    subs = list(Subscription.objects.order_by("pk"))
    Subscription.objects.filter(pk=subs[0].pk).update(status=Subscription.Status.SENT)
    client = client_for(coordinator)
    for language, sent, active in (
        ("fr", "Transmis à l&#x27;opérateur", "Actif"),
        ("en", "Forwarded to the operator", "Active"),
    ):
        client.cookies["django_language"] = language
        html = client.get(reverse("subscriptions:list")).content.decode()
        rows = re.findall(r'<th scope="row"><a href="([^"]+)">[^<]*</a></th>(.*?)</tr>', html, re.S)
        by_link = dict(rows)
        assert set(by_link) == {reverse("subscriptions:detail", kwargs={"pk": s.pk}) for s in subs}
        assert f"<td>{sent}</td>" in by_link[subs[0].get_absolute_url()]
        assert f"<td>{active}</td>" in by_link[subs[1].get_absolute_url()]


@pytest.fixture
def many(running, tariff):
    """Five running neighbourhoods of world's landlord, a dwelling each, besides world.nbh."""
    landlord = running.nbh.landlord
    nbhs = [
        f.NeighbourhoodFactory(
            name=f"Quartier {i}",
            landlord=landlord,
            centre=running.nbh.centre,
            stage=Neighbourhood.Stage.RUNNING,
            launched_on=LAUNCH,
        )
        for i in range(5)
    ]
    for nbh in nbhs:
        f.DwellingFactory(neighbourhood=nbh)
    return nbhs


def test_month_page_shows_a_page_of_neighbourhoods_and_the_bottom_line_of_all(
    running, many, coordinator, client_for, monkeypatch, django_assert_max_num_queries
):
    from subscriptions.views import charges as views

    monkeypatch.setattr(views, "NEIGHBOURHOODS_PER_PAGE", 2)
    subscribe(many[0], 2)
    charges_generate(month="2013-02", by=User.objects.system())
    Adjustment.objects.create(
        charge_month=ChargeMonth.objects.get(month=D(2013, 2, 1)),
        dwelling=Dwelling.objects.filter(neighbourhood=many[4]).first(),
        neighbourhood=many[4],
        kind=Adjustment.Kind.DEBIT,
        amount=Decimal("2.00"),
        payer="landlord",
        reason="Test",
        created_by=coordinator,
    )
    client = client_for(coordinator)
    url = reverse("subscriptions:charges_month", args=["2013-02"])
    with django_assert_max_num_queries(25) as small:
        response = client.get(url)
    queries = len(small.captured_queries)  # (the next request empties the log)
    billed = 3 + 5 + 2  # world.nbh's three dwellings, one in each of the five, two subscribers
    names = [bill.name for bill in response.context["summary"]]
    assert names == ["Kerourien de test", "Quartier 0"]
    assert response.context["totals"]["dwellings"] == billed
    assert response.context["totals"]["adjustments"] == Decimal("2.00")
    assert response.context["totals"]["total"] == Decimal(billed) + 2
    assert [fig.subscribers for fig in response.context["figures"]] == [0, 2]
    assert "Quartiers 1 à 2 sur 6" in response.content.decode()

    last = client.get(url, {"page": 3})
    assert [bill.name for bill in last.context["summary"]] == ["Quartier 3", "Quartier 4"]
    assert last.context["summary"][1].adjustments == Decimal("2.00")

    for i in range(5, 12):
        f.DwellingFactory(
            neighbourhood=f.NeighbourhoodFactory(
                name=f"Quartier {i}",
                landlord=running.nbh.landlord,
                stage=Neighbourhood.Stage.RUNNING,
                launched_on=LAUNCH,
            )
        )
    charges_generate(month="2013-02", by=User.objects.system())
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    assert len(response.context["summary"]) == 2
    assert response.context["totals"]["dwellings"] == billed + 7


def test_month_page_shows_a_page_of_landlords_and_the_latest_adjustments_and_runs(
    running, tariff, coordinator, client_for, monkeypatch, django_assert_max_num_queries
):
    from subscriptions.views import charges as views

    monkeypatch.setattr(views, "LANDLORDS_PER_PAGE", 2)
    monkeypatch.setattr(views, "LATEST_SHOWN", 2)

    def landlords(first, last):
        for i in range(first, last):
            landlord = f.LandlordFactory(name=f"Bailleur {i:02d}")
            f.DwellingFactory(
                neighbourhood=f.NeighbourhoodFactory(
                    name=f"Quartier du bailleur {i:02d}",
                    landlord=landlord,
                    stage=Neighbourhood.Stage.RUNNING,
                    launched_on=LAUNCH,
                )
            )
        charges_generate(month="2013-02", by=User.objects.system())

    landlords(0, 3)
    charge_month = ChargeMonth.objects.get(month=D(2013, 2, 1))
    for amount in ("1.00", "2.00", "3.00"):
        Adjustment.objects.create(
            charge_month=charge_month,
            dwelling=Dwelling.objects.filter(neighbourhood=running.nbh).first(),
            neighbourhood=running.nbh,
            kind=Adjustment.Kind.DEBIT,
            amount=Decimal(amount),
            payer="landlord",
            reason=f"Correction de {amount} €",
            created_by=coordinator,
        )
    client = client_for(coordinator)
    url = reverse("subscriptions:charges_month", args=["2013-02"])
    with django_assert_max_num_queries(30) as first:
        response = client.get(url)
    queries = len(first.captured_queries)
    html = response.content.decode()
    everyone = 4  # world's landlord and the three new ones
    assert len(response.context["landlord_months"]) == 2
    assert f"Bailleurs 1 à 2 sur {everyone}" in html
    assert "bailleurs=2" in html
    # The landlords' list chooses among all of them, each page shows two.
    assert response.context["landlord_select"].count("<option") == everyone + 1  # and "Tous"
    second = client.get(url, {"bailleurs": 2})
    names = sorted(["Bailleur 00", "Bailleur 01", "Bailleur 02", running.nbh.landlord.name])
    assert [lm.landlord.name for lm in response.context["landlord_months"]] == names[:2]
    assert [lm.landlord.name for lm in second.context["landlord_months"]] == names[2:]
    # A page number typed wrong is the first page, one past the end the last: never an error.
    typed = client.get(url, {"bailleurs": "deux", "page": "-1"})
    assert typed.status_code == 200
    assert typed.context["landlord_page"].number == 1 and typed.context["page"].number == 1
    beyond = client.get(url, {"bailleurs": 99})
    assert [lm.landlord.name for lm in beyond.context["landlord_months"]] == names[2:]
    # The latest two adjustments, newest first, and a way to all of them.
    assert [a.reason for a in response.context["adjustments"]] == [
        "Correction de 3.00 €",
        "Correction de 2.00 €",
    ]
    assert "Les 2 plus récents seulement." in html
    assert f"?charge_month__id__exact={charge_month.pk}" in html

    landlords(3, 6)  # six more landlords, in two more runs: the page draws as much as before
    landlords(6, 9)
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    assert len(response.context["landlord_months"]) == 2
    assert len(response.context["runs"]) == 2 and response.context["runs_more"]
    assert "Bailleurs 1 à 2 sur 10" in response.content.decode()
