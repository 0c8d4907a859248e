"""The dashboard page, the coordinator's home, the CSV export and their query counts."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from brest_internet.programme.dashboard.views import _fr
from neighborhoods.models import Neighbourhood

from .builders import grow

DASHBOARD = reverse("dashboard:index")
EXPORT = reverse("dashboard:export_csv")


def test_coordinator_home_is_the_dashboard(small, coordinator, client_for):
    response = client_for(coordinator).get(reverse("home"), {"annee": 2013})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bonjour" in html and "Entonnoir" in html
    # The apps' home cards are still there.
    assert reverse("votes:results") in html
    assert response.context["dash"].headline["covered_dwellings"] == 30


def test_dashboard_shows_french_figures_and_chart_data(small, coordinator, client_for):
    response = client_for(coordinator).get(DASHBOARD, {"annee": 2013})
    html = response.content.decode()
    assert "<h1" in html and html.count("<h1") == 1
    # Beta's vote: 60 % of the votes cast; Alpha's attendance rate 66,7 %.
    assert "60\u00a0%" in html
    assert "66,7\u00a0%" in html
    assert "29,00\u00a0€" in html
    # Chart data travels in JSON blocks, never in an inline script.
    for chart in ("chart-funnel", "chart-trend", "chart-attendance"):
        assert f'<script id="{chart}" type="application/json">' in html
        assert f'data-chart="{chart}"' in html
    assert 'role="img"' in html
    assert "<script>" not in html


def test_dashboard_filters_by_neighbourhood(small, coordinator, client_for):
    response = client_for(coordinator).get(DASHBOARD, {"quartier": "beta"})
    data = response.context["dash"]
    assert [n.name for n in data.neighbourhoods] == ["Beta"]
    assert data.headline["covered_dwellings"] == 20


def test_bad_filter_shows_a_message_and_everything(small, coordinator, client_for):
    response = client_for(coordinator).get(DASHBOARD, {"annee": "1850", "quartier": "nulle-part"})
    assert response.status_code == 200
    form = response.context["filter_form"]
    assert form.errors["annee"] and form.errors["quartier"]
    assert response.context["dash"].headline["covered_dwellings"] == 30
    assert "is-invalid" in response.content.decode()


def test_dashboard_says_review_due(small, coordinator, client_for):
    html = client_for(coordinator).get(DASHBOARD).content.decode()
    assert "Bilan à faire" in html
    assert reverse("dashboard:review_create", args=["alpha"]) in html


def read_csv(response):
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_csv_export_has_every_figure_in_french(small, coordinator, client_for):
    response = client_for(coordinator).get(EXPORT, {"annee": 2013})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="tableau-de-bord-2013.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == ["Rubrique", "Quartier", "Indicateur", "Période", "Valeur"]
    values = {(r[0], r[1], r[2], r[3]): r[4] for r in rows[1:]}
    assert values[("Programme", "Tous les quartiers", "Logements couverts", "31/12/2013")] == "30"
    assert values[("Programme", "Tous les quartiers", "Logements à venir", "31/12/2013")] == "55"
    assert values[("Votes", "Beta", "Oui parmi les suffrages exprimés (%)", "10/04/2013")] == "60,0"
    assert values[("Accompagnement", "Alpha", "Taux de présence (%)", "2013")] == "66,7"
    assert values[("Accompagnement", "Tous les quartiers", "Séances d'atelier", "2013")] == "3"
    assert values[("Abonnements", "Alpha", "Taux d'abonnement (%)", "31/07/2013")] == "20,0"
    assert (
        values[
            ("Charges", "Tous les quartiers", "Montant facturé par abonné et par mois (€)", "2013")
        ]
        == "9,67"
    )
    assert values[("Entonnoir", "En service", "Logements", "31/12/2013")] == "30"


def test_french_decimal_helper():
    from decimal import Decimal

    assert _fr(Decimal("57.5")) == "57,5"
    assert _fr(66.66666) == "66,7"
    assert _fr(None) == ""
    assert _fr(2043) == "2043"


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url, params",
    [
        (DASHBOARD, {}),
        (DASHBOARD, {"annee": 2013}),
        (DASHBOARD, {"quartier": "alpha"}),
        (reverse("home"), {}),
        (EXPORT, {}),
    ],
)
def test_dashboard_queries_do_not_grow_with_the_data(
    small, orgs, coordinator, client_for, url, params, django_assert_max_num_queries
):
    client = client_for(coordinator)
    before = count_queries(client, url, params)
    grow(orgs, 25)  # 25 more neighbourhoods (past a page of them), 375 dwellings, charges…
    after = count_queries(client, url, params)
    assert after == before
    # About thirty: the page's rows and series, then the programme's figures summed by the
    # database over the whole scope from the summaries (each a query of its own, whatever the
    # number of neighbourhoods), and the request's own (session, user, second factor).
    with django_assert_max_num_queries(33):
        client.get(url, params)


def test_the_neighbourhoods_come_by_page_and_the_programme_stays_whole(
    small, orgs, coordinator, client_for
):
    grow(orgs, 25)
    client = client_for(coordinator)
    first = client.get(DASHBOARD).context["dash"]
    second = client.get(DASHBOARD, {"page": 2}).context["dash"]
    names = [n.name for n in first.neighbourhoods] + [n.name for n in second.neighbourhoods]
    launched = Neighbourhood.objects.exclude(launched_on=None).order_by("name", "pk")
    assert names == [n.name for n in launched]
    assert len(first.neighbourhoods) == 20 and first.page.paginator.num_pages == 2
    # The programme's figures do not depend on the page.
    assert first.headline == second.headline and first.totals == second.totals
    assert first.billing_total == second.billing_total
    assert first.programme == second.programme and first.programme.rates
    # The trend: the programme, then the page's neighbourhoods (not every one of them).
    chart = client.get(DASHBOARD, {"page": 2}).context["charts"]["trend"]
    assert [d["label"] for d in chart["datasets"]] == [
        "Programme",
        *(nbh.name for nbh, _r, _c in second.trend.series),
    ]
    html = client.get(DASHBOARD, {"page": 2, "annee": 2013}).content.decode()
    pager = html[html.index('<nav aria-label="Pages">') :]
    pager = pager[: pager.index("</nav>")]
    assert "Page 2 sur 2" in pager, pager
    assert "annee=2013" in pager and "page=1" in pager, pager
    # The export keeps every neighbourhood.
    rows = read_csv(client.get(EXPORT))
    assert {r[1] for r in rows if r[0] == "Abonnements"} >= set(names)
