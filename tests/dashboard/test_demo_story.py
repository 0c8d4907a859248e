"""After `load_brest_demo`, the dashboard tells the story of the source (13 January 2014).

"2000 logements, 3 quartiers ont opté pour ce dispositif. En 2014 et début 2015, il sera
proposé à près de 3000 autres locataires." Votes of 61 %, 57,5 % and 54 % of the votes cast;
Kerourien 69 subscribers (12 %) and Keredern 132 (13 %) "aujourd'hui"; 78 (13 %) in 2010 and
101 (10 %) in 2012.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from brest_internet.common.periods import Period
from brest_internet.programme.dashboard import stats
from neighborhoods import stats as neighbourhood_stats
from neighborhoods.models import Neighbourhood, User
from votes import stats as vote_stats

D = datetime.date
JANUARY_2014 = Period(D(2014, 1, 1), D(2014, 1, 31))


@pytest.fixture
def demo(db, settings):
    settings.DEMO_PASSWORD = "demo-mot-de-passe-de-test"
    call_command("load_brest_demo", stdout=io.StringIO())
    return {n.name: n for n in Neighbourhood.objects.all()}


def test_the_dashboard_tells_the_story_of_the_source(demo, client_for):
    everything = Neighbourhood.objects.all()
    head = neighbourhood_stats.headline(everything)
    assert (head["covered_neighbourhoods"], head["covered_dwellings"]) == (3, 2043)
    assert (head["coming_neighbourhoods"], head["coming_dwellings"]) == (3, 2810)

    votes = {v.neighbourhood.name: v for v in vote_stats.vote_results(everything, Period.of())}
    shares = {name: round(v.yes_share, 1) for name, v in votes.items()}
    assert shares == {"Kerourien": 61.0, "Keredern": 57.5, "Valy-Hir": 54.0}
    assert all(v.adopted for v in votes.values())

    rows = {n.name: n for n in stats.neighbourhood_figures(everything, Period.of())}
    assert rows["Kerourien"].dwelling_count == 596 and rows["Keredern"].dwelling_count == 1052
    assert rows["Kerourien"].subscribed_launch_year == 78
    assert round(rows["Kerourien"].launch_rate) == 13
    assert rows["Keredern"].subscribed_launch_year == 101
    assert round(rows["Keredern"].launch_rate) == 10

    launched = [demo["Kerourien"], demo["Keredern"]]
    trend = stats.subscription_trend(launched, JANUARY_2014)
    january = {nbh.name: (counts[-1], rates[-1]) for nbh, rates, counts in trend.series}
    # 69 / 596 = 11,6 % and 132 / 1 052 = 12,5 %: the source's "12 %" and "13 %".
    assert january == {"Kerourien": (69, Decimal("11.6")), "Keredern": (132, Decimal("12.5"))}
    assert round(Decimal(69 * 100) / 596) == 12 and round(Decimal(132 * 100) / 1052) == 13

    # The page itself shows those figures, in French.
    coordinator = User.objects.get(username="coordinatrice")
    html = client_for(coordinator).get(reverse("dashboard:index")).content.decode()
    for figure in ("2\u00a0043", "2\u00a0810", "61\u00a0%", "57,5\u00a0%", "54\u00a0%"):
        assert figure in html, figure
