"""Requests in: a NUL byte or an oversized body gets a clear French page, never a server error;
the register upload (10 MiB) still goes through."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

NUL_PAGE = "contient un caractère non autorisé : rien n'a été enregistré"


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("neighborhoods:list", {"q": "\x00"}),
        ("neighborhoods:list", {"year": "20\x0013"}),
        ("support:household_list", {"q": "Le\x00Goff"}),
        ("gdpr:households", {"q": "\x00"}),
        ("subscriptions:list", {"\x00": "1"}),
        ("dashboard:index", {"page": "\x00"}),
    ],
)
def test_a_nul_byte_in_a_query_string_is_a_clear_400(name, query, coordinator, client_for):
    response = client_for(coordinator).get(reverse(name), query)
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert NUL_PAGE in page
    assert "<h1" in page and "Requête refusée" in page


def test_a_nul_byte_in_the_register_filter_is_a_clear_400(world, coordinator, client_for):
    url = reverse("neighborhoods:register", args=[world.nbh.slug])
    response = client_for(coordinator).get(url, {"reference": "LOG\x00", "household": "\x00"})
    assert response.status_code == 400
    assert NUL_PAGE in unescape(response.content.decode())


def test_a_nul_byte_in_a_path_is_a_clear_400(coordinator, client_for):
    response = client_for(coordinator).get("/quartiers/kero%00urien/")
    assert response.status_code == 400


def test_a_nul_byte_in_a_posted_form_changes_nothing(world, coordinator, client_for):
    url = reverse("neighborhoods:create")
    response = client_for(coordinator).post(
        url, {"name": "Pontanezen\x00", "landlord": world.orgs.landlord.pk}
    )
    assert response.status_code == 400
    assert NUL_PAGE in unescape(response.content.decode())
    assert not world.nbh.__class__.objects.filter(name__startswith="Pontanezen").exists()


def test_a_body_over_the_request_limit_is_refused_before_it_is_read(
    coordinator, client_for, settings
):
    settings.REQUEST_MAX_BYTES = 10_000
    response = client_for(coordinator).post(reverse("neighborhoods:create"), {"name": "x" * 20_000})
    assert response.status_code == 413
    page = unescape(response.content.decode())
    assert "Envoi trop volumineux" in page
    assert "rien n'a été enregistré" in page


def test_the_default_request_limit_leaves_room_for_a_full_register_file(settings):
    assert settings.REQUEST_MAX_BYTES > settings.REGISTER_UPLOAD_MAX_BYTES
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < settings.REGISTER_UPLOAD_MAX_BYTES


def test_form_data_over_its_limit_is_a_clear_400(coordinator, client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client_for(coordinator).post(reverse("neighborhoods:create"), {"name": "x" * 20_000})
    assert response.status_code == 400
    assert "Formulaire trop volumineux" in unescape(response.content.decode())


def test_too_many_fields_is_a_clear_400(coordinator, client_for, settings):
    data = {f"champ{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client_for(coordinator).post(reverse("neighborhoods:create"), data)
    assert response.status_code == 400
    assert "Formulaire trop volumineux" in unescape(response.content.decode())


def test_a_register_file_larger_than_form_data_still_reaches_the_import(
    world, coordinator, client_for
):
    """3 MiB: above DATA_UPLOAD_MAX_MEMORY_SIZE (which leaves files out), below the register's
    limit; the import itself answers (here: the file is no register)."""
    content = b"R\xc3\xa9f\xc3\xa9rence;Quartier\r\n" + b"x" * (3 * 1024 * 1024)
    response = client_for(coordinator).post(
        reverse("neighborhoods:register_import"),
        {"file": SimpleUploadedFile("registre.csv", content)},
    )
    page = unescape(response.content.decode())
    assert "trop volumineux" not in page and NUL_PAGE not in page
    assert response.context["form"].is_bound


def test_a_register_file_just_over_its_limit_gets_the_forms_message(
    world, coordinator, client_for, settings
):
    settings.REGISTER_UPLOAD_MAX_BYTES = 100_000
    settings.REQUEST_MAX_BYTES = 100_000 + 1024 * 1024
    response = client_for(coordinator).post(
        reverse("neighborhoods:register_import"),
        {"file": SimpleUploadedFile("registre.csv", b"x" * 200_000)},
    )
    assert "Le fichier dépasse la taille maximale" in unescape(response.content.decode())


def test_a_nul_byte_in_the_session_cookie_is_a_visitor_without_session(client):
    client.cookies["sessionid"] = "\x00" + "a" * 31
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_a_nul_byte_on_the_api_is_a_problem_in_the_apis_own_format(client):
    """The partners' programs read problem details, never an HTML page (schemathesis found it)."""
    response = client.get("/api/v1/operateur/demandes/", {"statut": "\x00x"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["detail"]
