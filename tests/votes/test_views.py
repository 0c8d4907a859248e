"""The pages: scope, query counts, messages on bad input, the ballot page, the CSV."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from neighborhoods.models import Neighbourhood, User
from tests import factories as f
from votes import services
from votes.models import OnlineTally, Vote

from .conftest import sign_in
from .factories import VoteFactory, occupied_dwellings

F = services.Figures


def certified_vote(nbh, landlord, coordinator, yes=3, no=1):
    """A vote of `nbh` certified through the services (a neighbourhood per vote)."""
    vote = VoteFactory(neighbourhood=nbh)
    services.roll_freeze(vote=vote, by=User.objects.system())
    sign_in(vote, yes + no)
    count = services.count_enter(
        vote=vote, station="Bureau 1", channel="paper", figures=F(yes, no, 0, 0), by=landlord
    )
    services.count_confirm(count=count, figures=F(yes, no, 0, 0), by=coordinator)
    return services.vote_certify(vote=vote, by=coordinator)


def make_votes(n, orgs, association, landlord, coordinator):
    votes = []
    for _i in range(n):
        nbh = f.NeighbourhoodFactory(landlord=orgs.landlord, stage=Neighbourhood.Stage.VOTE)
        nbh.associations.add(association)
        occupied_dwellings(nbh, 5)
        votes.append(certified_vote(nbh, landlord, coordinator))
    return votes


# --- Scope ----------------------------------------------------------------------------------


def test_another_landlords_vote_is_not_found(vote, client_for, other_landlord_user):
    client = client_for(other_landlord_user)
    assert client.get(reverse("votes:detail", args=[vote.pk])).status_code == 404
    response = client.post(reverse("votes:roll_freeze", args=[vote.pk]))
    assert response.status_code == 404


def test_other_centre_and_association_do_not_see_the_result(
    nbh,
    landlord_user,
    coordinator,
    client_for,
    other_centre_user,
    other_association_user,
    centre_user,
    association_user,
):
    vote = certified_vote(nbh, landlord_user, coordinator)
    url = reverse("votes:result", args=[vote.pk])
    for user in (other_centre_user, other_association_user):
        assert client_for(user).get(url).status_code == 404
        assert (
            vote.neighbourhood.name
            not in client_for(user).get(reverse("votes:results")).content.decode()
        )
    for user in (centre_user, association_user):
        assert client_for(user).get(url).status_code == 200


def test_nothing_is_shown_before_certification(vote, client_for, association_user, coordinator):
    assert (
        client_for(association_user).get(reverse("votes:result", args=[vote.pk])).status_code == 404
    )
    assert client_for(coordinator).get(reverse("votes:result", args=[vote.pk])).status_code == 404
    assert (
        vote.neighbourhood.name
        not in client_for(association_user).get(reverse("votes:results")).content.decode()
    )


def test_online_results_stay_hidden_until_the_close(make_vote, client_for, landlord_user):
    today = datetime.date.today()
    vote = make_vote(method=Vote.Method.ONLINE, closes_on=today + datetime.timedelta(days=2))
    code = services.codes_generate(vote=vote, by=landlord_user)[0][1]
    services.ballot_cast(code=code, choice="yes")
    page = client_for(landlord_user).get(vote.get_absolute_url()).content.decode()
    assert "restent cachés jusqu'à la clôture" in page
    assert "Part des oui" not in page


def test_the_vote_form_offers_only_the_landlords_neighbourhoods(
    nbh, world, client_for, landlord_user
):
    Neighbourhood.objects.filter(pk=world.other_nbh.pk).update(stage=Neighbourhood.Stage.VOTE)
    response = client_for(landlord_user).post(
        reverse("votes:create"),
        {
            "neighbourhood": world.other_nbh.pk,
            "method": "paper",
            "roll_date": "2014-01-01",
            "opens_on": "2014-01-10",
            "closes_on": "2014-01-12",
            "question": "?",
        },
    )
    assert response.status_code == 200
    assert not Vote.objects.exists()


# --- Flows through the pages ----------------------------------------------------------------


def test_landlord_creates_a_vote_and_freezes_the_roll(nbh, client_for, landlord_user):
    client = client_for(landlord_user)
    today = datetime.date.today()
    response = client.post(
        reverse("votes:create"),
        {
            "neighbourhood": nbh.pk,
            "method": "mixed",
            "roll_date": today.isoformat(),
            "opens_on": today.isoformat(),
            "closes_on": (today + datetime.timedelta(days=4)).isoformat(),
            "minimum_turnout": "25",
            "question": "Oui ou non ?",
        },
    )
    vote = Vote.objects.get()
    assert response.url == vote.get_absolute_url()
    client.post(reverse("votes:roll_freeze", args=[vote.pk]))
    vote.refresh_from_db()
    page = client.get(vote.get_absolute_url()).content.decode()
    assert vote.roll_fingerprint in page
    assert "10 logements occupés" in page


def test_a_second_open_vote_is_refused_by_the_form(vote, client_for, landlord_user):
    today = datetime.date.today()
    response = client_for(landlord_user).post(
        reverse("votes:create"),
        {
            "neighbourhood": vote.neighbourhood.pk,
            "method": "paper",
            "roll_date": today.isoformat(),
            "opens_on": today.isoformat(),
            "closes_on": today.isoformat(),
            "question": "?",
        },
    )
    assert response.status_code == 200
    assert "déjà un vote en cours" in response.content.decode()
    assert Vote.objects.count() == 1


def test_double_entry_through_the_pages(vote, client_for, landlord_user, second_landlord):
    sign_in(vote, 4)
    figures = {
        "station": "Bureau 1",
        "channel": "paper",
        "yes": 2,
        "no": 1,
        "blank": 1,
        "spoiled": 0,
    }
    client_for(landlord_user).post(reverse("votes:count_enter", args=[vote.pk]), figures)
    count = vote.paper_counts.get()
    # The second person does not see the first figures.
    page = client_for(second_landlord).get(vote.get_absolute_url()).content.decode()
    assert "masqué jusqu'à la seconde saisie" in page
    url = reverse("votes:count_confirm", args=[vote.pk, count.pk])
    response = client_for(second_landlord).post(
        url, {"yes": 2, "no": 2, "blank": 0, "spoiled": 0}, follow=True
    )
    assert "ne concordent pas" in response.content.decode()
    response = client_for(landlord_user).post(
        url, {"yes": 2, "no": 1, "blank": 1, "spoiled": 0}, follow=True
    )
    assert "autre personne" in response.content.decode()
    response = client_for(second_landlord).post(
        url, {"yes": 2, "no": 1, "blank": 1, "spoiled": 0}, follow=True
    )
    assert "dépouillement confirmé" in response.content.decode()


def test_bad_input_gives_a_message_not_an_error(vote, client_for, landlord_user):
    client = client_for(landlord_user)
    response = client.post(
        reverse("votes:count_enter", args=[vote.pk]),
        {"station": "B", "channel": "paper", "yes": 50, "no": 0, "blank": 0, "spoiled": 0},
        follow=True,
    )
    assert "dépasseraient la liste électorale" in response.content.decode()
    response = client.post(
        reverse("votes:participations", args=[vote.pk]),
        {"channel": "paper", "station": "Bureau 1", "references": "INCONNU-1"},
        follow=True,
    )
    assert "Ligne 1 : « INCONNU-1 » n&#x27;est pas sur la liste électorale." in (
        response.content.decode()
    )
    assert not vote.participations.exists()


def test_certify_twice_through_the_page(vote, client_for, coordinator):
    client = client_for(coordinator)
    confirmed = {"confirm": "1", "figures": "0:0:0:0:0"}
    response = client.post(reverse("votes:certify", args=[vote.pk]), confirmed)
    assert response.url == reverse("votes:result", args=[vote.pk])
    response = client.post(reverse("votes:certify", args=[vote.pk]), confirmed, follow=True)
    assert "déjà été certifié" in response.content.decode()


def test_codes_are_downloaded_once_as_a_mail_merge_csv(make_vote, client_for, landlord_user):
    vote = make_vote(method=Vote.Method.ONLINE)
    client = client_for(landlord_user)
    response = client.post(reverse("votes:codes", args=[vote.pk]))
    body = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert body.startswith("\ufeffRéférence;Adresse;Quartier;Code de vote;")
    assert len(body.strip().splitlines()) == vote.roll_size + 1
    again = client.post(reverse("votes:codes", args=[vote.pk]), follow=True)
    assert "déjà été générés" in again.content.decode()


# --- The public ballot page -------------------------------------------------------------------


@pytest.fixture
def code(make_vote, landlord_user):
    vote = make_vote(method=Vote.Method.ONLINE)
    return services.codes_generate(vote=vote, by=landlord_user)[0][1]


def test_the_ballot_page_says_what_is_kept(client, db):
    page = client.get(reverse("votes:ballot")).content.decode()
    assert "Ce qui est gardé de votre vote" in page
    assert "ni votre nom, ni votre logement, ni l'heure" in page
    assert "seulement que votre logement a voté en ligne, et le jour" in page
    assert "Après 5 codes faux en une minute" in page


def test_ballot_in_two_steps_without_login(code, client):
    url = reverse("votes:ballot")
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": code, "choice": "no"})
    assert "Confirmer votre vote" in response.content.decode()
    assert not OnlineTally.objects.filter(ballots__gt=0).exists()
    response = client.post(url, {"code": code, "choice": "no", "confirm": "1"})
    assert "Votre vote est enregistré" in response.content.decode()
    assert list(OnlineTally.objects.filter(ballots__gt=0).values_list("choice", "ballots")) == [
        ("no", 1)
    ]
    response = client.post(url, {"code": code, "choice": "yes"})
    assert "déjà servi" in response.content.decode()


def test_ballot_shows_the_question_before_the_choice(code, client):
    url = reverse("votes:ballot")
    first = client.get(url).content.decode()
    assert 'name="choice"' not in first and "Étape 1 sur 3" in first
    response = client.post(url, {"code": code})
    page = response.content.decode()
    vote = response.context["vote"]
    assert "Étape 2 sur 3" in page
    # The question, in large type, comes before the choice.
    assert (
        page.index('class="ballot-question"')
        < page.index(escape(vote.question))
        < page.index('name="choice"')
    )
    assert not OnlineTally.objects.filter(ballots__gt=0).exists()


def test_ballot_errors_are_clear(code, client):
    url = reverse("votes:ballot")
    page = client.post(url, {"code": "ZZZZ-ZZZZ-ZZZZ"}).content.decode()
    assert "pas valable" in page and 'name="choice"' not in page
    page = client.post(url, {"code": code, "step": "choice"}).content.decode()
    assert "Choisissez oui, non ou blanc." in page and 'class="ballot-question"' in page
    page = client.post(url, {"code": "ZZZZ-ZZZZ-ZZZZ", "choice": "yes"}).content.decode()
    assert "pas valable" in page
    assert 'aria-invalid="true"' in page


def test_going_back_from_the_confirmation_keeps_the_code(code, client):
    page = client.post(
        reverse("votes:ballot"), {"code": code, "choice": "yes", "change": "1"}
    ).content.decode()
    assert code in page
    assert not OnlineTally.objects.filter(ballots__gt=0).exists()


# --- Results: CSV and query counts ------------------------------------------------------------


def test_results_csv_is_french(nbh, landlord_user, coordinator, client_for, association_user):
    certified_vote(nbh, landlord_user, coordinator, yes=2, no=1)
    response = client_for(association_user).get(reverse("votes:results_csv"))
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffQuartier;")
    line = body.splitlines()[1].split(";")
    assert line[0] == nbh.name
    assert line[4:7] == ["10", "3", "30,0"]
    assert line[12] == "66,7"
    assert line[-1] == "Adopté"


@pytest.mark.parametrize("name", ["votes:results", "votes:results_csv"])
def test_results_queries_do_not_grow_with_rows(
    name,
    orgs,
    association_user,
    landlord_user,
    coordinator,
    client_for,
    django_assert_max_num_queries,
):
    client = client_for(association_user)
    make_votes(3, orgs, orgs.association, landlord_user, coordinator)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse(name))
    n = len(few)
    make_votes(12, orgs, orgs.association, landlord_user, coordinator)
    with django_assert_max_num_queries(n):
        response = client.get(reverse(name))
    assert response.content.decode().count("Adopté") == 15


def test_vote_list_and_detail_queries_do_not_grow(
    orgs,
    association_user,
    landlord_user,
    coordinator,
    client_for,
    django_assert_max_num_queries,
):
    client = client_for(landlord_user)
    votes = make_votes(3, orgs, orgs.association, landlord_user, coordinator)
    with django_assert_max_num_queries(8) as queries:
        client.get(reverse("votes:list"))
    n_list = len(queries)
    with django_assert_max_num_queries(20) as queries:
        client.get(votes[0].get_absolute_url())
    n_detail = len(queries)
    with django_assert_max_num_queries(12) as queries:
        client.get(reverse("votes:result", args=[votes[0].pk]))
    n_result = len(queries)
    more = make_votes(12, orgs, orgs.association, landlord_user, coordinator)
    # More stations on one vote: still the same queries for its pages.
    for i in range(5):
        more[0].paper_counts.create(
            station=f"Lot {i}",
            yes=0,
            no=0,
            blank=0,
            spoiled=0,
            entered_by=landlord_user,
            status="confirmed",
            confirmed_by=coordinator,
        )
    with django_assert_max_num_queries(n_list):
        client.get(reverse("votes:list"))
    with django_assert_max_num_queries(n_detail):
        client.get(more[0].get_absolute_url())
    with django_assert_max_num_queries(n_result):
        client.get(reverse("votes:result", args=[more[0].pk]))
