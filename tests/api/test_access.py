"""Who gets what: the kinds of partner, the web sessions, the rate limit, the call log."""

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from brest_internet.api import services as api
from brest_internet.api.models import ApiCall, ApiToken
from neighborhoods.models import Organisation, User
from subscriptions.models import Subscription


@pytest.mark.parametrize(
    ("partner", "url"),
    [
        ("operator", "/api/v1/bailleur/mois/"),
        ("city", "/api/v1/bailleur/quartiers/"),
        ("landlord", "/api/v1/operateur/demandes/"),
        ("city", "/api/v1/operateur/demandes/"),
        ("landlord", "/api/v1/ville/chiffres/"),
        ("operator", "/api/v1/ville/chiffres/"),
    ],
)
def test_another_kind_of_partner_gets_403(programme, call, partner, url):
    response = call(partner, "get", url)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Accès refusé"


def test_no_token_gets_401_with_the_way_to_send_one(programme, call):
    response = call(None, "get", "/api/v1/bailleur/mois/")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_page_session_gives_no_access_to_the_api(programme, client_for, coordinator):
    """A coordinator logged in to the pages sees everything there, nothing here."""
    response = client_for(coordinator).get("/api/v1/operateur/demandes/")
    assert response.status_code == 401


def test_the_token_header_of_drf_works_too(programme, tokens):
    from django.test import Client

    response = Client().get("/api/v1/moi/", HTTP_AUTHORIZATION=f"Token {tokens['city']}")
    assert response.status_code == 200
    assert response.json()["type"] == "city"


def test_a_malformed_token_gets_401(programme, call):
    from django.test import Client

    for header in ("Bearer", "Bearer a b", "Bearer bi_00000000_" + "x" * 43, "Bearer é"):
        response = Client().get("/api/v1/moi/", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header


def test_the_rate_is_limited_per_token_with_a_french_429(programme, call, settings):
    settings.API_RATE = "3/min"
    codes = [call("city", "get", "/api/v1/moi/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = call("city", "get", "/api/v1/moi/")
    assert refused.json()["title"] == "Trop de requêtes"
    assert int(refused["Retry-After"]) >= 1
    # Another partner's token has its own count.
    assert call("landlord", "get", "/api/v1/moi/").status_code == 200


def test_every_call_is_logged_without_values(programme, call, partners):
    ApiCall.objects.all().delete()
    call("operator", "get", f"/api/v1/operateur/demandes/{programme.sub.pk}/?foyer=Le+Goff")
    call("operator", "post", "/api/v1/operateur/demandes/999999/refus/", json={"motif": "Le Goff"})
    call(None, "get", "/api/v1/bailleur/mois/")
    rows = list(ApiCall.objects.order_by("id").values("organisation", "method", "route", "status"))
    assert rows == [
        {
            "organisation": partners.operator.pk,
            "method": "GET",
            "route": "api:operator_request",
            "status": 200,
        },
        {
            "organisation": partners.operator.pk,
            "method": "POST",
            "route": "api:operator_refusal",
            "status": 404,
        },
        {"organisation": None, "method": "GET", "route": "api:landlord_months", "status": 401},
    ]
    for call_row in ApiCall.objects.all():
        text = " ".join(str(v) for v in call_row.__dict__.values())
        assert "Goff" not in text and str(programme.sub.pk) not in call_row.route


def test_last_use_is_visible(programme, call, partners):
    token = ApiToken.objects.get(organisation=partners.city)
    assert token.last_used_at is None
    call("city", "get", "/api/v1/moi/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_daily_retention_run_purges_old_calls(programme, call, settings):
    from django.core.management import call_command

    call("city", "get", "/api/v1/moi/")
    ApiCall.objects.update(at=timezone.now() - datetime.timedelta(days=400))
    call("city", "get", "/api/v1/moi/")
    settings.API_CALL_RETENTION_MONTHS = 12
    call_command("anonymise_departed_households")
    assert ApiCall.objects.count() == 1


def test_calls_are_append_only(programme, call):
    call("city", "get", "/api/v1/moi/")
    row = ApiCall.objects.first()
    with pytest.raises(ValueError):
        row.delete()
    with pytest.raises(ValueError):
        row.save()


def test_only_one_token_in_force_per_organisation(partners):
    api.token_create(organisation=partners.city, by=User.objects.system())
    with pytest.raises(api.TokenError):
        api.token_create(organisation=partners.city, by=User.objects.system())
    token = ApiToken.objects.get(organisation=partners.city)
    with pytest.raises(IntegrityError):
        ApiToken.objects.create(
            organisation=partners.city, account=token.account, prefix="deadbeef", digest="0" * 64
        )


def test_a_token_is_not_revoked_before_it_was_made(partners):
    token = api.token_create(organisation=partners.city, by=User.objects.system()).token
    with pytest.raises(IntegrityError):
        ApiToken.objects.filter(pk=token.pk).update(
            revoked_at=token.created_at - datetime.timedelta(days=1)
        )


def test_a_centre_gets_no_token(world):
    with pytest.raises(api.TokenError):
        api.token_create(organisation=world.orgs.centre, by=None)


def test_the_secret_is_kept_only_as_its_hash(partners):
    created = api.token_create(organisation=partners.city, by=User.objects.system())
    row = ApiToken.objects.get(pk=created.token.pk)
    assert created.secret not in str(row.__dict__)
    assert row.digest == api.digest_of(created.secret)
    assert created.secret.startswith(f"bi_{row.prefix}_")
    assert row.organisation.kind == Organisation.Kind.CITY


def test_the_command_prints_a_new_token(partners, capsys):
    from django.core.management import call_command

    call_command("api_token", organisation="Numericable")
    secret = capsys.readouterr().out.strip()
    assert api.token_for_secret(secret).organisation == partners.operator


def test_the_refusal_cancels_the_request_as_the_page_does(programme, call):
    url = f"/api/v1/operateur/demandes/{programme.sub.pk}/refus/"
    response = call(
        "operator", "post", url, json={"refusee_le": "2012-05-09", "motif": "Pas de prise"}
    )
    assert response.status_code == 200, response.content
    sub = Subscription.objects.get(pk=programme.sub.pk)
    assert sub.status == Subscription.Status.CANCELLED
    assert sub.cancel_reason == "Refus de l'opérateur : Pas de prise"
    assert sub.history.latest("history_date").history_user.username == "Numericable-API"


def test_a_refused_state_change_is_a_409_and_changes_nothing(programme, call):
    url = f"/api/v1/operateur/demandes/{programme.sub.pk}/activation/"
    before = call("operator", "post", url, json={"activee_le": "2012-04-01", "numero_modem": "X"})
    assert before.status_code == 409
    assert "précède" in before.json()["detail"]
    assert Subscription.objects.get(pk=programme.sub.pk).status == Subscription.Status.SENT
    bad = call("operator", "post", url, json={"activee_le": "pas une date"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"activee_le", "numero_modem"}


def test_the_register_has_no_household_names(programme, call):
    response = call("landlord", "get", "/api/v1/bailleur/quartiers/kerourien-test/logements/")
    assert response.status_code == 200
    assert response.json()["count"] == 3
    # The household's name, not a bare "Goff": Faker's street names may hold one by chance.
    assert "Famille Le Goff" not in response.content.decode()
    rows = response.json()["results"]
    assert not any(key in row for row in rows for key in ("foyer", "menage", "nom", "occupant"))


def test_the_city_reads_the_figures_of_the_dashboards_definitions(programme, call):
    from subscriptions import services

    services.subscription_activate(
        subscription=programme.sub,
        by=User.objects.system(),
        activated_on=datetime.date(2012, 5, 10),
        modem_serial="M",
    )
    response = call("city", "get", "/api/v1/ville/chiffres/?depuis=2012-04&jusqu_a=2012-05")
    assert response.status_code == 200
    mine = {row["mois"]: row for row in response.json() if row["identifiant"] == "kerourien-test"}
    assert mine["2012-04"]["abonnes_actifs"] == 0
    may = mine["2012-05"]
    assert (may["abonnes_actifs"], may["logements"], may["taux"]) == (1, 3, "33.3")
    assert may["montant_facture"] == "2.00"  # 3 lines, one credited back
    too_long = call("city", "get", "/api/v1/ville/chiffres/?depuis=2000-01&jusqu_a=2012-05")
    assert too_long.status_code == 400
