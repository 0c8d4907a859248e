"""The export of a landlord's month locks it for good, so it is confirmed first (RGAA 11.12):
a page sums up the month, the landlord, the lines and the amount; a POST without that
confirmation is refused with a message and changes nothing."""

import datetime
import html as html_lib
from decimal import Decimal

import pytest
from django.urls import reverse

from neighborhoods.models import Neighbourhood, User
from subscriptions.models import Adjustment, LandlordMonth
from subscriptions.services import adjustment_create, charges_generate
from tests import factories as f

MONTH = "2013-02"
CONFIRM = reverse("subscriptions:charges_export_confirm", args=[MONTH])
EXPORT = reverse("subscriptions:charges_export", args=[MONTH])


def lm_of(landlord):
    return LandlordMonth.objects.get(
        charge_month__month=datetime.date(2013, 2, 1), landlord=landlord
    )


@pytest.fixture
def billed(running, tariff):
    """February 2013 billed for both landlords: three €1 lines for the cast's landlord."""
    Neighbourhood.objects.filter(pk=running.other_nbh.pk).update(
        stage=Neighbourhood.Stage.RUNNING, launched_on=datetime.date(2012, 4, 1)
    )
    charges_generate(month=MONTH, by=User.objects.system())
    return running


def test_the_month_page_leads_to_the_confirmation_not_to_the_export(
    billed, landlord_user, client_for
):
    page = client_for(landlord_user).get(reverse("subscriptions:charges_month", args=[MONTH]))
    html = page.content.decode()
    assert f'href="{CONFIRM}?bailleur={billed.nbh.landlord_id}"' in html
    assert f'action="{EXPORT}"' not in html  # no one-click lock left
    assert not lm_of(billed.nbh.landlord).is_locked


def test_the_confirmation_sums_up_month_landlord_lines_and_amount(
    billed, landlord_user, client_for
):
    adjustment_create(
        month=MONTH,
        dwelling=billed.dwelling,
        kind=Adjustment.Kind.CREDIT,
        amount="0.50",
        reason="Logement muré",
        by=landlord_user,
    )
    response = client_for(landlord_user).get(CONFIRM)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Confirmer l'export des charges de février 2013" in html_lib.unescape(html)
    assert "Bailleur de test" in html
    assert "Autre bailleur" not in html  # only the staff's own landlord
    totals = response.context["totals"]
    assert (totals["lines"], totals["amount"], totals["adjustment_count"], totals["total"]) == (
        3,
        Decimal("3.00"),
        1,
        Decimal("2.50"),
    )
    assert "1 ajustement, -0,50 €" in html
    assert "2,50 €" in html
    assert 'name="confirm" value="yes"' in html
    assert "Cette action est définitive" in html
    # Only looking changes nothing.
    assert not lm_of(billed.nbh.landlord).is_locked


def test_a_post_without_the_confirmation_is_refused_with_a_message(
    billed, landlord_user, client_for
):
    client = client_for(landlord_user)
    response = client.post(EXPORT, {"landlord": billed.nbh.landlord_id})
    assert response.status_code == 302
    assert response["Location"] == f"{CONFIRM}?bailleur={billed.nbh.landlord_id}"
    assert not lm_of(billed.nbh.landlord).is_locked
    page = client.get(response["Location"])
    message = "confirmez-le sur cette page. Rien n'a été exporté."
    assert message in html_lib.unescape(page.content.decode())
    # A wrong value is no confirmation either.
    client.post(EXPORT, {"landlord": billed.nbh.landlord_id, "confirm": "oui"})
    assert not lm_of(billed.nbh.landlord).is_locked


def test_the_confirmed_export_locks_the_month_and_streams_it(billed, landlord_user, client_for):
    response = client_for(landlord_user).post(
        EXPORT, {"landlord": billed.nbh.landlord_id, "confirm": "yes"}
    )
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.count("\r\n") == 1 + 3
    lm = lm_of(billed.nbh.landlord)
    assert lm.is_locked and lm.exported_by == landlord_user
    assert not lm_of(billed.other_nbh.landlord).is_locked


def test_a_locked_month_is_downloaded_again_without_confirmation(billed, landlord_user, client_for):
    client = client_for(landlord_user)
    client.post(EXPORT, {"landlord": billed.nbh.landlord_id, "confirm": "yes"})
    exported_at = lm_of(billed.nbh.landlord).exported_at
    response = client.post(EXPORT, {"landlord": billed.nbh.landlord_id})
    assert response.streaming
    assert lm_of(billed.nbh.landlord).exported_at == exported_at
    # Its confirmation page says it is already exported and offers the file again.
    html = client.get(CONFIRM).content.decode()
    assert "est déjà exporté" in html
    assert 'name="confirm"' not in html


def test_coordinators_confirm_the_landlord_they_chose(billed, coordinator, client_for):
    client = client_for(coordinator)
    response = client.get(CONFIRM)
    assert response.status_code == 302  # no landlord chosen: back to the month
    assert response["Location"] == reverse("subscriptions:charges_month", args=[MONTH])
    response = client.get(CONFIRM, {"bailleur": billed.other_nbh.landlord_id})
    assert response.context["landlord"] == billed.other_nbh.landlord
    assert response.context["totals"]["lines"] == 1
    assert client.get(CONFIRM, {"bailleur": "x"}).status_code == 302
    assert client.get(CONFIRM, {"bailleur": 999999}).status_code == 404


def test_a_month_not_billed_for_the_landlord_has_nothing_to_confirm(
    running, tariff, landlord_user, client_for
):
    # Only the other landlord's neighbourhood is billed.
    Neighbourhood.objects.filter(pk=running.nbh.pk).update(launched_on=None)
    Neighbourhood.objects.filter(pk=running.other_nbh.pk).update(
        stage=Neighbourhood.Stage.RUNNING, launched_on=datetime.date(2012, 4, 1)
    )
    charges_generate(month=MONTH, by=User.objects.system())
    assert client_for(landlord_user).get(CONFIRM).status_code == 404


def test_the_confirmation_page_makes_as_many_queries_with_more_lines(
    billed, landlord_user, client_for, django_assert_max_num_queries
):
    client = client_for(landlord_user)
    with django_assert_max_num_queries(15) as small:
        assert client.get(CONFIRM).status_code == 200
    for _ in range(3):
        nbh = f.NeighbourhoodFactory(
            landlord=billed.nbh.landlord,
            centre=billed.nbh.centre,
            stage=Neighbourhood.Stage.RUNNING,
            launched_on=datetime.date(2012, 4, 1),
        )
        f.DwellingFactory.create_batch(5, neighbourhood=nbh)
    charges_generate(month=MONTH, by=User.objects.system())
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(CONFIRM)
    assert response.context["totals"]["lines"] == 3 + 15
