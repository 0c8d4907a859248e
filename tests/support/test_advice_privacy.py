"""An association sees a household's phone only while the legal-advice request it holds is
open; once answered or cancelled the phone is hidden from it (issue 13, section 6). The centre
that took the request and the coordination still see it."""

import pytest
from django.urls import reverse

from support import services
from support.models import AdviceRequest

PHONE = "02 98 44 55 66"

pytestmark = pytest.mark.django_db


@pytest.fixture
def advice(world):
    world.household.phone = PHONE
    world.household.save(update_fields=["phone"])
    return AdviceRequest.objects.create(
        household=world.household,
        neighbourhood=world.nbh,
        association=world.orgs.association,
        topic=AdviceRequest.Topic.CANCELLATION,
        question="Puis-je résilier mon ancien contrat sans frais ?",
    )


def page(client, advice):
    response = client.get(reverse("support:advice_detail", args=[advice.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_association_sees_the_phone_of_an_open_request(advice, association_user, client_for):
    assert PHONE in page(client_for(association_user), advice)


def test_the_phone_is_hidden_from_the_association_once_answered(
    advice, association_user, client_for
):
    services.advice_answer(request=advice, answer="Oui, sous un mois.", by=association_user)
    content = page(client_for(association_user), advice)
    assert PHONE not in content
    assert "masqué : la demande n'est plus en attente de réponse" in content
    assert "Oui, sous un mois." in content  # the answer itself stays readable


def test_the_phone_is_hidden_from_the_association_once_cancelled(
    advice, association_user, client_for
):
    AdviceRequest.objects.filter(pk=advice.pk).update(status=AdviceRequest.Status.CANCELLED)
    assert PHONE not in page(client_for(association_user), advice)


@pytest.mark.parametrize("persona", ["coordinator", "centre_user"])
def test_the_centre_and_the_coordination_still_see_it(
    advice, association_user, client_for, persona, request
):
    services.advice_answer(request=advice, answer="Oui.", by=association_user)
    assert PHONE in page(client_for(request.getfixturevalue(persona)), advice)


def test_no_page_the_association_reaches_shows_an_answered_requests_phone(
    advice, association_user, client_for
):
    services.advice_answer(request=advice, answer="Oui.", by=association_user)
    client = client_for(association_user)
    urls = ("support:advice_list", "dashboard:index", "dashboard:export_csv")
    for url in [reverse(name) for name in urls]:
        response = client.get(url, follow=True)
        assert PHONE not in response.content.decode(), url
