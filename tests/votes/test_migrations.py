"""Migration 0005: the online ballots become their vote's three counters, a code's time of use
becomes "used", and back."""

import datetime
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from tests.migrations import create_neighbourhood, migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("votes", "0004_participation_station")]
AFTER = [("votes", "0005_online_counters_instead_of_ballots")]
OPENS = datetime.date(2013, 3, 4)


def online_vote(apps, name, ballots, codes_generated=True):
    """A frozen online vote of `name` with one code per ballot (spent) and one unused code."""
    Organisation = apps.get_model("neighborhoods", "Organisation")
    Dwelling = apps.get_model("neighborhoods", "Dwelling")
    Vote = apps.get_model("votes", "Vote")
    RollEntry = apps.get_model("votes", "RollEntry")
    VoteCode = apps.get_model("votes", "VoteCode")
    OnlineBallot = apps.get_model("votes", "OnlineBallot")
    landlord, _ = Organisation.objects.get_or_create(name="Bmh", kind="landlord")
    nbh = create_neighbourhood(apps, name=name, slug=name.lower(), landlord=landlord)
    vote = Vote.objects.create(
        neighbourhood=nbh,
        method="online",
        status="frozen",
        roll_date=OPENS - datetime.timedelta(days=7),
        opens_on=OPENS,
        closes_on=OPENS + datetime.timedelta(days=6),
        roll_size=len(ballots) + 1,
        roll_fingerprint="f" * 64,
        codes_generated_at=timezone.now() if codes_generated else None,
    )
    for i in range(len(ballots) + 1):
        dwelling = Dwelling.objects.create(
            neighbourhood=nbh, reference=f"{name}-{i}", address="rue"
        )
        entry = RollEntry.objects.create(vote=vote, dwelling=dwelling, reference=dwelling.reference)
        spent = timezone.now() if i < len(ballots) else None
        VoteCode.objects.create(vote=vote, roll_entry=entry, code_hash=f"{name}{i}", spent_at=spent)
    for choice in ballots:
        OnlineBallot.objects.create(vote=vote, choice=choice)
    return vote.pk


def test_ballots_become_counters_and_come_back():
    try:
        apps = migrate(BEFORE)
        first = online_vote(apps, "Kerourien", ["yes", "no", "yes", "blank", "yes"])
        second = online_vote(apps, "Keredern", ["no"])
        untouched = online_vote(apps, "Valy", [])

        apps = migrate(AFTER)
        OnlineTally = apps.get_model("votes", "OnlineTally")
        VoteCode = apps.get_model("votes", "VoteCode")
        counters = {(t.vote_id, t.choice): t.ballots for t in OnlineTally.objects.all()}
        assert counters == {
            (first, "yes"): 3,
            (first, "no"): 1,
            (first, "blank"): 1,
            (second, "yes"): 0,
            (second, "no"): 1,
            (second, "blank"): 0,
            # A vote whose codes were out but had no ballot yet gets its (empty) box too.
            (untouched, "yes"): 0,
            (untouched, "no"): 0,
            (untouched, "blank"): 0,
        }
        assert Counter(VoteCode.objects.values_list("vote_id", "spent")) == {
            (first, True): 5,
            (first, False): 1,
            (second, True): 1,
            (second, False): 1,
            (untouched, False): 1,
        }
        assert "votes_onlineballot" not in connection.introspection.table_names()

        # Reversed: as many ballots of each choice, each spent code dated its vote's opening.
        apps = migrate(BEFORE)
        OnlineBallot = apps.get_model("votes", "OnlineBallot")
        VoteCode = apps.get_model("votes", "VoteCode")
        assert Counter(OnlineBallot.objects.values_list("vote_id", "choice")) == {
            (first, "yes"): 3,
            (first, "no"): 1,
            (first, "blank"): 1,
            (second, "no"): 1,
        }
        spent = VoteCode.objects.exclude(spent_at=None)
        assert spent.count() == 6
        assert {timezone.localdate(c.spent_at) for c in spent} == {OPENS}
        assert VoteCode.objects.filter(spent_at=None).count() == 3
    finally:
        migrate_to_latest()
