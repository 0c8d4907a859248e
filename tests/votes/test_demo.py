"""The votes demo: the three results of the source, through the real services, idempotent."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client

from neighborhoods import demo as nbh_demo
from neighborhoods.models import Neighbourhood, User
from votes import demo
from votes.models import CountEntry, PaperCount, Vote

SHARES = {"Kerourien": Decimal("61.0"), "Keredern": Decimal("57.5"), "Valy-Hir": Decimal("54.0")}


class Ctx(SimpleNamespace):
    def progress(self, message):
        self.messages.append(message)


@pytest.fixture
def loaded(db):
    ctx = Ctx(
        today=datetime.date(2014, 2, 28), password="motdepasse-de-test", objects={}, messages=[]
    )
    nbh_demo.load(ctx)
    demo.load(ctx)
    return ctx


def test_the_three_votes_of_the_source_are_certified_with_their_shares(loaded):
    votes = {v.neighbourhood.name: v for v in Vote.objects.select_related("neighbourhood")}
    assert set(votes) == set(SHARES)
    for name, vote in votes.items():
        result = vote.result
        assert vote.is_certified and vote.adopted
        assert result.yes_share == SHARES[name]
        assert vote.certified_on == nbh_demo.TIMELINE[name]["certified"]
        # A plausible roll: the dwellings occupied at the roll date, a plausible turnout.
        assert 0 < vote.roll_size <= vote.neighbourhood.expected_dwellings
        assert Decimal(30) < result.turnout < Decimal(70)
        assert vote.participations.filter(channel="paper").count() == vote.voters
        nbh = vote.neighbourhood
        nbh.refresh_from_db()
        assert nbh.stage == Neighbourhood.Stage.RUNNING
        assert nbh.launched_on == nbh_demo.TIMELINE[name]["launch"]


def test_counts_were_double_entered_by_two_people(loaded):
    clerk = User.objects.get(username="bailleur")
    coordinator = User.objects.get(username="coordinatrice")
    assert PaperCount.objects.count() == 6
    assert set(PaperCount.objects.values_list("status", "entered_by", "confirmed_by")) == {
        ("confirmed", clerk.pk, coordinator.pk)
    }
    assert CountEntry.objects.filter(kind="confirmation", matches=True).count() == 6


def test_loading_twice_changes_nothing(loaded):
    before = [Vote.objects.count(), PaperCount.objects.count(), CountEntry.objects.count()]
    ctx = Ctx(
        today=datetime.date(2014, 2, 28), password="motdepasse-de-test", objects={}, messages=[]
    )
    nbh_demo.load(ctx)
    demo.load(ctx)
    assert [Vote.objects.count(), PaperCount.objects.count(), CountEntry.objects.count()] == before


def test_the_associations_results_page_shows_the_three_results(loaded):
    client = Client()
    client.force_login(
        User.objects.get(username="association"),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    page = client.get("/votes/resultats/").content.decode()
    for share in ("61 %", "57,5 %", "54 %"):
        assert share in page
