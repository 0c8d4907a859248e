"""Coordinators make and revoke the partners' tokens in the admin; the secret shows once."""

from brest_internet.api import services as api
from brest_internet.api.models import ApiToken


def test_a_coordinator_makes_a_token_and_sees_its_secret_once(partners, client_for, coordinator):
    client = client_for(coordinator)
    response = client.post("/admin/api/apitoken/add/", {"organisation": partners.operator.pk})
    assert response.status_code == 200
    token = ApiToken.objects.get(organisation=partners.operator)
    html = response.content.decode()
    secret = html.split('value="bi_', 1)[1].split('"', 1)[0]
    assert api.token_for_secret(f"bi_{secret}") == token
    assert token.created_by == coordinator
    page = client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert secret not in page and token.prefix in page


def test_a_second_token_is_refused_with_a_message(partners, client_for, coordinator):
    api.token_create(organisation=partners.operator, by=None)
    response = client_for(coordinator).post(
        "/admin/api/apitoken/add/", {"organisation": partners.operator.pk}
    )
    assert response.status_code == 200
    assert "déjà un jeton en vigueur" in response.content.decode()
    assert ApiToken.objects.filter(organisation=partners.operator).count() == 1


def test_the_revoke_action_revokes_and_keeps_the_token(partners, client_for, coordinator):
    created = api.token_create(organisation=partners.city, by=None)
    response = client_for(coordinator).post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [created.token.pk]},
    )
    assert response.status_code == 302
    token = ApiToken.objects.get(pk=created.token.pk)
    assert token.revoked_by == coordinator and token.revoked_at is not None
    assert api.token_for_secret(created.secret) is None


def test_landlord_staff_cannot_reach_the_tokens(partners, client_for, landlord_user):
    response = client_for(landlord_user).get("/admin/api/apitoken/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
