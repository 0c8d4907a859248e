"""A certified vote's published figures never change: neither its result page nor its row of the
results file, whatever happens afterwards to the neighbourhood (renamed, dwellings added) or to
the vote (a late count, sign-in, edit or cancellation is refused)."""

import datetime

import pytest
from django.urls import reverse

from neighborhoods.models import Neighbourhood
from tests.migrations import create_neighbourhood, migrate, migrate_to_latest
from votes import services
from votes.services import Figures as F

from .conftest import sign_in
from .factories import occupied_dwellings


@pytest.fixture
def certified(vote, landlord_user, coordinator):
    sign_in(vote, 4)
    count = services.count_enter(
        vote=vote, station="Bureau 1", channel="paper", figures=F(3, 1, 0, 0), by=landlord_user
    )
    services.count_confirm(count=count, figures=F(3, 1, 0, 0), by=coordinator)
    return services.vote_certify(vote=vote, by=coordinator)


def published(client, vote):
    csv = client.get(reverse("votes:results_csv")).content
    page = client.get(reverse("votes:result", args=[vote.pk])).content.decode()
    return csv, page


def test_a_certified_result_is_published_as_certified_whatever_happens_next(
    certified, nbh, landlord_user, association_user, client_for
):
    client = client_for(association_user)
    csv, page = published(client, certified)
    assert nbh.name in csv.decode("utf-8")
    Neighbourhood.objects.filter(pk=nbh.pk).update(name="Nouveau nom du quartier")
    occupied_dwellings(nbh, 5)
    for attempt in (
        lambda: sign_in(certified, 1),
        lambda: services.count_enter(
            vote=certified, station="B2", channel="paper", figures=F(1, 0, 0, 0), by=landlord_user
        ),
        lambda: services.vote_update(
            vote=certified, by=landlord_user, changes={"minimum_turnout": 90}
        ),
        lambda: services.vote_cancel(vote=certified, by=landlord_user, reason="Erreur"),
    ):
        with pytest.raises(services.VoteError, match="certifié"):
            attempt()
    again_csv, again_page = published(client, certified)
    assert again_csv == csv
    assert "Nouveau nom du quartier" not in again_page
    assert nbh.name in again_page
    certified.refresh_from_db()
    assert (certified.roll_size, certified.voters, certified.yes_count) == (10, 4, 3)


@pytest.mark.django_db(transaction=True)
def test_votes_certified_before_keep_their_neighbourhoods_name_from_then_on():
    before = [("votes", "0005_online_counters_instead_of_ballots")]
    try:
        apps = migrate(before)
        Organisation = apps.get_model("neighborhoods", "Organisation")
        Vote = apps.get_model("votes", "Vote")
        landlord = Organisation.objects.create(name="Bmh", kind="landlord")
        day = datetime.date(2013, 12, 1)
        for name, status in [("Valy-Hir", "certified"), ("Kerbernier", "frozen")]:
            Vote.objects.create(
                neighbourhood=create_neighbourhood(
                    apps, name=name, slug=name.lower(), landlord=landlord
                ),
                roll_date=day,
                opens_on=day,
                closes_on=day,
                status=status,
                roll_size=10,
                roll_fingerprint="f" * 64,
                voters=4,
                yes_count=3,
                no_count=1,
                certified_on=day if status == "certified" else None,
            )
        apps = migrate([("votes", "0006_keep_certified_neighbourhood_name")])
        Vote = apps.get_model("votes", "Vote")
        names = dict(Vote.objects.values_list("status", "certified_name"))
        assert names == {"certified": "Valy-Hir", "frozen": ""}
        apps = migrate(before)  # reversible: the column goes
        assert apps.get_model("votes", "Vote").objects.count() == 2
    finally:
        migrate_to_latest()
