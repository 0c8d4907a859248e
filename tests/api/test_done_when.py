"""The issue's "done when": the landlord reads its export line for line, the operator activates
a subscription that its page then shows with the operator as author, another organisation's
token gets 404 on both, a revoked token 401."""

import csv
import datetime
import io

from brest_internet.api import services as api
from brest_internet.api.models import ApiToken
from subscriptions.models import Subscription


def _page_export(client_for, landlord_user, export):
    response = client_for(landlord_user).get(f"/abonnements/charges/fichiers/{export.pk}.csv")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_landlord_reads_its_locked_month_line_for_line(programme, call, client_for, landlord_user):
    month = call("landlord", "get", "/api/v1/bailleur/mois/2012-05/")
    assert month.status_code == 200
    (lot,) = month.json()["lots"]
    assert lot["numero"] == 1 and lot["lignes"] == 4  # 3 charges and the credit

    exported = _page_export(client_for, landlord_user, programme.month_export)
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"), newline=""), delimiter=";"))
    lines = call("landlord", "get", "/api/v1/bailleur/mois/2012-05/lots/1/lignes/").json()
    assert lines["count"] == len(rows) - 1
    assert [list(line.values()) for line in lines["results"]] == rows[1:]
    assert "-1,00" in [line["montant"] for line in lines["results"]]

    file = call("landlord", "get", "/api/v1/bailleur/mois/2012-05/lots/1/fichier/")
    assert file.status_code == 200
    assert b"".join(file.streaming_content) == exported
    assert file["X-Content-SHA256"] == lot["sha256"]


def test_lines_are_paged_in_the_files_order(programme, call):
    first = call("landlord", "get", "/api/v1/bailleur/mois/2012-05/lots/1/lignes/?taille=3")
    second = call("landlord", "get", first.json()["next"])
    everything = call("landlord", "get", "/api/v1/bailleur/mois/2012-05/lots/1/lignes/")
    assert first.json()["results"] + second.json()["results"] == everything.json()["results"]


def test_operator_activation_shows_on_the_page_with_the_operator_as_author(
    programme, call, client_for, landlord_user, partners
):
    url = f"/api/v1/operateur/demandes/{programme.sub.pk}/activation/"
    response = call(
        "operator", "post", url, json={"activee_le": "2012-05-10", "numero_modem": "NC-42"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["statut"] == "active"
    sub = Subscription.objects.get(pk=programme.sub.pk)
    assert (sub.status, sub.activated_on, sub.modem_serial) == (
        Subscription.Status.ACTIVE,
        datetime.date(2012, 5, 10),
        "NC-42",
    )
    author = sub.history.latest("history_date").history_user
    assert author.organisation == partners.operator
    assert not author.is_active and not author.has_usable_password() and author.role == ""
    page = client_for(landlord_user).get(f"/abonnements/{sub.pk}/")
    html = page.content.decode()
    assert "Numericable-API" in html
    assert "Actif" in html


def test_another_landlords_token_gets_404_on_the_month(programme, call):
    urls = [
        "/api/v1/bailleur/mois/2012-05/",
        "/api/v1/bailleur/mois/2012-05/lots/1/lignes/",
        "/api/v1/bailleur/mois/2012-05/lots/1/fichier/",
        "/api/v1/bailleur/mois/2012-05/ajustements/",
        "/api/v1/bailleur/quartiers/kerourien-test/logements/",
    ]
    for url in urls:
        assert call("landlord", "get", url).status_code == 200, url
        other = call("other_landlord", "get", url)
        assert other.status_code == 404, url
        assert other["Content-Type"] == "application/problem+json"
    assert call("other_landlord", "get", "/api/v1/bailleur/mois/").json()["count"] == 0


def test_another_operators_token_gets_404_and_changes_nothing(programme, call):
    url = f"/api/v1/operateur/demandes/{programme.sub.pk}/activation/"
    response = call(
        "other_operator", "post", url, json={"activee_le": "2012-05-10", "numero_modem": "X"}
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert (
        call("other_operator", "get", f"/api/v1/operateur/demandes/{programme.sub.pk}/").status_code
        == 404
    )
    assert Subscription.objects.get(pk=programme.sub.pk).status == Subscription.Status.SENT


def test_a_revoked_token_gets_401(programme, call, partners, coordinator):
    assert call("landlord", "get", "/api/v1/bailleur/mois/").status_code == 200
    api.token_revoke(token=ApiToken.objects.get(organisation=partners.landlord), by=coordinator)
    response = call("landlord", "get", "/api/v1/bailleur/mois/")
    assert response.status_code == 401
    body = response.json()
    assert body["status"] == 401 and body["detail"] == "Jeton inconnu ou révoqué."
    assert response["Content-Type"] == "application/problem+json"
