"""Journey 5: a tenants' association reads the certified vote results of its neighbourhood and
answers a household's legal-advice request. axe on every page and state reached."""

import datetime

from playwright.sync_api import expect

from neighborhoods.models import Neighbourhood, User
from support.models import AdviceRequest
from tests.votes.conftest import sign_in
from tests.votes.factories import VoteFactory, occupied_dwellings
from votes import services
from votes.models import Vote

from .journeys import follow, main_text, submit, today


def _certified_vote(world, coordinator, landlord_user):
    """Kerourien's vote of the source, in small: 9 dwellings, 8 voters, 5 yes, 3 no (62,5 %)."""
    Neighbourhood.objects.filter(pk=world.nbh.pk).update(stage=Neighbourhood.Stage.VOTE)
    occupied_dwellings(world.nbh, 9)
    vote = VoteFactory(
        neighbourhood=world.nbh,
        method=Vote.Method.PAPER,
        opens_on=today() - datetime.timedelta(days=3),
        closes_on=today() - datetime.timedelta(days=1),
    )
    vote = services.roll_freeze(vote=vote, by=User.objects.system())
    sign_in(vote, 8)
    figures = services.Figures(5, 3, 0, 0)
    count = services.count_enter(
        vote=vote, station="Bureau 1", channel="paper", figures=figures, by=landlord_user
    )
    services.count_confirm(count=count, figures=figures, by=coordinator)
    return services.vote_certify(vote=vote, by=coordinator)


def test_association_reads_the_results_and_answers_an_advice_request(
    page, login, assert_accessible, screenshot, world, coordinator, landlord_user, association_user
):
    vote = _certified_vote(world, coordinator, landlord_user)
    advice = AdviceRequest.objects.create(
        household=world.household,
        neighbourhood=world.nbh,
        association=world.orgs.association,
        topic=AdviceRequest.Topic.UNDERSTANDING,
        question="Que comprend l'offre à 1 € ? Faut-il résilier mon abonnement actuel ?",
    )

    login(page, association_user)
    assert_accessible(page)  # the association's home

    # The results: the list, then the neighbourhood's certified result, printable.
    page.goto(page.base_url + "/votes/resultats/")
    results = main_text(page)
    assert world.nbh.name in results
    assert "62,5 %" in results
    assert world.other_nbh.name not in results
    assert_accessible(page)
    follow(page, world.nbh.name)
    result = main_text(page)
    assert "Projet adopté" in result
    assert "62,5 %" in result
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "journey5-vote-result")
    page.emulate_media(media="print")
    assert_accessible(page)
    page.emulate_media(media="screen")

    # The advice requests entrusted to the association; an empty answer first (spaces only).
    page.goto(page.base_url + "/accompagnement/conseil-juridique/")
    assert_accessible(page)
    follow(page, world.household.name)
    assert advice.question in main_text(page)
    assert_accessible(page)
    page.get_by_label("Réponse").fill("   ")
    submit(page, "Enregistrer la réponse")
    assert "Écrivez la réponse avant de l'enregistrer." in main_text(page)
    assert_accessible(page)
    page.get_by_label("Réponse").fill(
        "La connexion à 5 Mbit/s, les appels entrants et la télévision de base, pour 1 € par "
        "mois dans vos charges. Vérifiez la date d'échéance de votre contrat actuel avant de "
        "le résilier."
    )
    submit(page, "Enregistrer la réponse")
    assert "Réponse enregistrée." in main_text(page)
    assert_accessible(page)
    screenshot(page, "journey5-advice-answered")
    advice.refresh_from_db()
    assert advice.answer.startswith("La connexion à 5 Mbit/s")
    assert vote.neighbourhood.votes.get().is_certified
