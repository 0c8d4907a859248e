"""Home help (requested → scheduled → done / cancelled) and legal advice answered by the
association it is assigned to, and by no other."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from support import services
from support.models import AdviceRequest, HomeHelpRequest
from support.services import SupportError

H = HomeHelpRequest.Status


@pytest.fixture
def home_help(world, centre_user):
    return HomeHelpRequest.objects.create(
        household=world.household,
        neighbourhood=world.nbh,
        dwelling=world.dwelling,
        kind=HomeHelpRequest.Kind.MODEM,
        requested_on=datetime.date(2014, 2, 5),
    )


@pytest.fixture
def advice(world):
    return AdviceRequest.objects.create(
        household=world.household,
        neighbourhood=world.nbh,
        association=world.orgs.association,
        topic=AdviceRequest.Topic.CANCELLATION,
        question="Puis-je résilier mon ancien contrat sans frais ?",
    )


def test_a_home_help_request_is_created_from_the_household(world, centre_user, client_for):
    response = client_for(centre_user).post(
        reverse("support:home_help_create", args=[world.household.pk]),
        {"kind": "modem", "details": "Le modem clignote.", "requested_on": "2014-02-06"},
    )
    assert response.status_code == 302
    req = HomeHelpRequest.objects.get()
    assert (req.neighbourhood, req.dwelling, req.status) == (world.nbh, world.dwelling, H.REQUESTED)


def test_home_help_is_scheduled_then_done_with_its_outcome(home_help, centre_user, client_for):
    client = client_for(centre_user)
    client.post(reverse("support:home_help_schedule", args=[home_help.pk]), {"on": "2014-02-10"})
    home_help.refresh_from_db()
    assert (home_help.status, home_help.scheduled_for) == (H.SCHEDULED, datetime.date(2014, 2, 10))
    client.post(
        reverse("support:home_help_done", args=[home_help.pk]),
        {"on": "2014-02-10", "outcome": "Modem installé, première connexion faite."},
    )
    home_help.refresh_from_db()
    assert home_help.status == H.DONE and home_help.outcome.startswith("Modem")
    with pytest.raises(SupportError):
        services.home_help_cancel(request=home_help, by=centre_user)


def test_home_help_done_without_outcome_is_refused(home_help, centre_user, client_for):
    response = client_for(centre_user).post(
        reverse("support:home_help_done", args=[home_help.pk]),
        {"on": "2014-02-10", "outcome": ""},
        follow=True,
    )
    assert response.status_code == 200
    home_help.refresh_from_db()
    assert home_help.status == H.REQUESTED


def test_a_visit_cannot_precede_the_request(home_help, centre_user):
    with pytest.raises(SupportError):
        services.home_help_schedule(request=home_help, on=datetime.date(2014, 1, 1), by=centre_user)


def test_done_needs_an_outcome_in_the_database(home_help):
    with pytest.raises(IntegrityError), transaction.atomic():
        HomeHelpRequest.objects.filter(pk=home_help.pk).update(
            status=H.DONE, done_on=datetime.date(2014, 2, 10)
        )


def test_scheduled_needs_a_date_in_the_database(home_help):
    with pytest.raises(IntegrityError), transaction.atomic():
        HomeHelpRequest.objects.filter(pk=home_help.pk).update(status=H.SCHEDULED)


def test_a_visit_cannot_be_done_before_its_planned_date(home_help, centre_user, client_for):
    services.home_help_schedule(request=home_help, on=datetime.date(2014, 2, 10), by=centre_user)
    with pytest.raises(SupportError, match="La visite était prévue le 10/02/2014"):
        services.home_help_done(
            request=home_help, on=datetime.date(2014, 2, 8), outcome="Modem", by=centre_user
        )
    response = client_for(centre_user).post(
        reverse("support:home_help_done", args=[home_help.pk]),
        {"on": "2014-02-08", "outcome": "Modem branché"},
        follow=True,
    )
    page = response.content.decode()
    assert "La visite était prévue le 10/02/2014 : elle ne peut pas avoir été faite avant" in page
    home_help.refresh_from_db()
    assert (home_help.status, home_help.done_on) == (H.SCHEDULED, None)
    # Moved to the day it took place, it is then recorded as done that day.
    services.home_help_schedule(request=home_help, on=datetime.date(2014, 2, 8), by=centre_user)
    services.home_help_done(
        request=home_help, on=datetime.date(2014, 2, 8), outcome="Modem", by=centre_user
    )
    home_help.refresh_from_db()
    assert (home_help.status, home_help.done_on) == (H.DONE, datetime.date(2014, 2, 8))


def test_a_visit_is_not_recorded_as_done_in_the_future(home_help, centre_user):
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(SupportError, match="est dans le futur"):
        services.home_help_done(request=home_help, on=tomorrow, outcome="Modem", by=centre_user)


def test_a_visit_done_before_its_planned_date_is_refused_by_the_database(home_help):
    with pytest.raises(IntegrityError), transaction.atomic():
        HomeHelpRequest.objects.filter(pk=home_help.pk).update(
            status=H.DONE,
            scheduled_for=datetime.date(2014, 2, 10),
            done_on=datetime.date(2014, 2, 9),
            outcome="Modem",
        )


def test_a_visit_done_before_the_request_is_refused_by_the_database(home_help):
    with pytest.raises(IntegrityError), transaction.atomic():
        HomeHelpRequest.objects.filter(pk=home_help.pk).update(
            status=H.DONE, done_on=datetime.date(2014, 2, 1), outcome="Modem"
        )


def test_advice_goes_to_an_association_of_the_neighbourhood(world, centre_user, client_for):
    url = reverse("support:advice_create", args=[world.household.pk])
    client = client_for(centre_user)
    data = {"topic": "change", "question": "Changer d'offre ?", "requested_on": "2014-02-19"}
    # The other association does not represent this neighbourhood's tenants.
    response = client.post(url, {**data, "association": world.orgs.other_association.pk})
    assert response.status_code == 200 and not AdviceRequest.objects.exists()
    response = client.post(url, {**data, "association": world.orgs.association.pk})
    assert response.status_code == 302
    assert AdviceRequest.objects.get().association == world.orgs.association


def test_the_association_answers_its_own_request(advice, association_user, client_for):
    client = client_for(association_user)
    assert advice.household.name in client.get(reverse("support:advice_list")).content.decode()
    client.post(
        reverse("support:advice_answer", args=[advice.pk]),
        {"answer": "Oui, la loi Chatel vous le permet."},
    )
    advice.refresh_from_db()
    assert advice.status == AdviceRequest.Status.ANSWERED
    assert advice.answered_by == association_user and advice.answered_at


def test_another_association_neither_sees_nor_answers_it(
    advice, other_association_user, client_for
):
    client = client_for(other_association_user)
    assert advice.household.name not in client.get(reverse("support:advice_list")).content.decode()
    assert client.get(reverse("support:advice_detail", args=[advice.pk])).status_code == 404
    response = client.post(
        reverse("support:advice_answer", args=[advice.pk]), {"answer": "Réponse pirate"}
    )
    assert response.status_code == 404
    advice.refresh_from_db()
    assert advice.answer == ""


def test_the_centre_reads_the_request_but_does_not_answer(advice, centre_user, client_for):
    client = client_for(centre_user)
    page = client.get(reverse("support:advice_detail", args=[advice.pk])).content.decode()
    assert advice.question in page and "Enregistrer la réponse" not in page
    response = client.post(reverse("support:advice_answer", args=[advice.pk]), {"answer": "x"})
    assert response.status_code == 403


def test_an_empty_answer_is_refused(advice, association_user):
    with pytest.raises(SupportError):
        services.advice_answer(request=advice, answer="  ", by=association_user)


def test_answered_needs_the_answer_in_the_database(advice):
    with pytest.raises(IntegrityError), transaction.atomic():
        AdviceRequest.objects.filter(pk=advice.pk).update(status=AdviceRequest.Status.ANSWERED)
