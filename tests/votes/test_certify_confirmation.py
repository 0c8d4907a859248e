"""Certifying is irreversible (RGAA 11.12): a page shows what will be certified and only its
confirm button certifies, the figures it showed and no others."""

import pytest
from django.urls import reverse

from votes import services
from votes.models import Vote

from .conftest import sign_in

F = services.Figures


@pytest.fixture
def ready(vote, landlord_user, second_landlord):
    """A closed paper vote: 4 signed in at "Bureau 1", its count confirmed (3 yes, 1 no)."""
    sign_in(vote, 4)
    count = services.count_enter(
        vote=vote, station="Bureau 1", channel="paper", figures=F(3, 1, 0, 0), by=landlord_user
    )
    services.count_confirm(count=count, figures=F(3, 1, 0, 0), by=second_landlord)
    return vote


def url(vote):
    return reverse("votes:certify", args=[vote.pk])


def test_the_vote_page_leads_to_the_confirmation_not_to_the_act(ready, client_for, coordinator):
    page = client_for(coordinator).get(ready.get_absolute_url()).content.decode()
    assert f'<form method="get" action="{url(ready)}">' in page
    assert f'<form method="post" action="{url(ready)}"' not in page


def test_the_confirmation_page_shows_what_will_be_certified(ready, client_for, coordinator):
    page = " ".join(client_for(coordinator).get(url(ready)).content.decode().split())
    assert "Résultat qui sera certifié" in page
    assert '<th scope="row">Oui</th><td class="text-end">3</td>' in page
    assert "Projet adopté si le résultat est certifié" in page
    assert "vous certifiez que le projet est adopté" in page
    assert '<th scope="row">Bureau 1 (urne)</th><td class="text-end">4</td>' in page
    assert ready.roll_fingerprint in page
    assert '<input type="hidden" name="confirm" value="1">' in page
    assert '<input type="hidden" name="figures" value="4:3:1:0:0">' in page
    assert "Confirmer la certification" in page
    ready.refresh_from_db()
    assert ready.status == Vote.Status.FROZEN


@pytest.mark.parametrize(
    "data",
    [{}, {"figures": "4:3:1:0:0"}, {"confirm": "1"}, {"confirm": "oui", "figures": "4:3:1:0:0"}],
)
def test_a_post_without_the_confirmation_is_refused(ready, client_for, coordinator, data):
    response = client_for(coordinator).post(url(ready), data, follow=True)
    assert response.redirect_chain == [(url(ready), 302)]
    assert "La certification est définitive : vérifiez le résultat" in response.content.decode()
    ready.refresh_from_db()
    assert ready.status == Vote.Status.FROZEN
    assert ready.certified_on is None


def test_the_confirm_button_certifies(ready, client_for, coordinator):
    response = client_for(coordinator).post(
        url(ready), {"confirm": "1", "figures": "4:3:1:0:0"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("votes:result", args=[ready.pk])
    assert "Vote certifié" in response.content.decode()
    ready.refresh_from_db()
    assert (ready.status, ready.voters, ready.yes_count) == ("certified", 4, 3)
    assert ready.certified_by == coordinator


def test_figures_changed_since_the_confirmation_page_certify_nothing(
    ready, client_for, coordinator
):
    # The page showed 4 voters, 3 yes; a correction made the count 2 yes, 2 no meanwhile.
    response = client_for(coordinator).post(
        url(ready), {"confirm": "1", "figures": "4:2:2:0:0"}, follow=True
    )
    assert "Les chiffres ont changé depuis l&#x27;affichage de la confirmation" in (
        response.content.decode()
    )
    ready.refresh_from_db()
    assert ready.status == Vote.Status.FROZEN
    with pytest.raises(services.VoteError, match="Les chiffres ont changé"):
        services.vote_certify(vote=ready, by=coordinator, expected=(4, 2, 2, 0, 0))


def test_problems_are_listed_and_no_confirm_button_is_offered(
    vote, landlord_user, client_for, coordinator
):
    sign_in(vote, 2)
    services.count_enter(
        vote=vote, station="Bureau 1", channel="paper", figures=F(1, 0, 0, 0), by=landlord_user
    )
    page = client_for(coordinator).get(url(vote)).content.decode()
    assert "Certification impossible pour l'instant" in page
    assert "1 dépouillement sans seconde saisie concordante" in page
    assert "Bureau 1 (urne) : 1 bulletins pour 2 émargements" in page
    assert "Confirmer la certification" not in page


def test_a_certified_vote_has_no_confirmation_page(ready, client_for, coordinator):
    services.vote_certify(vote=ready, by=coordinator)
    response = client_for(coordinator).get(url(ready), follow=True)
    assert response.redirect_chain == [(reverse("votes:result", args=[ready.pk]), 302)]
    assert "déjà été certifié" in response.content.decode()


def test_a_cancelled_vote_has_no_confirmation_page(ready, client_for, coordinator):
    services.vote_cancel(vote=ready, by=coordinator, reason="Urne égarée")
    client = client_for(coordinator)
    response = client.get(url(ready), follow=True)
    assert response.redirect_chain == [(ready.get_absolute_url(), 302)]
    assert "a été annulé" in response.content.decode()
    client.post(url(ready), {"confirm": "1", "figures": "4:3:1:0:0"})
    ready.refresh_from_db()
    assert ready.status == Vote.Status.CANCELLED


def test_landlord_staff_do_not_certify(ready, client_for, landlord_user):
    client = client_for(landlord_user)
    assert client.get(url(ready)).status_code == 403
    assert client.post(url(ready), {"confirm": "1", "figures": "4:3:1:0:0"}).status_code == 403


def test_confirmation_page_queries_do_not_grow_with_stations(
    ready, client_for, coordinator, landlord_user, django_assert_max_num_queries
):
    client = client_for(coordinator)
    with django_assert_max_num_queries(15) as queries:
        client.get(url(ready))
    n = len(queries)
    for i in range(5):
        ready.paper_counts.create(
            station=f"Lot {i}",
            yes=0,
            no=0,
            blank=0,
            spoiled=0,
            entered_by=landlord_user,
            status="confirmed",
            confirmed_by=coordinator,
        )
    with django_assert_max_num_queries(n):
        page = client.get(url(ready)).content.decode()
    assert page.count("(urne)</th>") == 6
