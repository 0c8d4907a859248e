"""The open-data page in a real browser: public, passes axe, reflows at 320 px, and its links
are followed with the keyboard."""

from brest_internet.opendata.services import opendata_publish
from neighborhoods.models import User
from tests.browser.test_journey_reflow import _check


def test_the_open_data_page_is_accessible_before_and_after_a_publication(
    page_at, assert_accessible, world
):
    page = page_at(1280)
    page.goto(page.base_url + "/donnees-ouvertes/")
    assert "Aucune donnée n'est encore publiée" in page.inner_text("main")
    assert_accessible(page)

    opendata_publish(by=User.objects.system())
    _check(page, "/donnees-ouvertes/")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.base_url + "/donnees-ouvertes/")
    assert_accessible(page)
    link = page.get_by_role("link", name="Schéma quartiers.schema.json (JSON)")
    link.focus()
    with page.expect_response(lambda r: r.url.endswith("/quartiers.schema.json")) as answer:
        page.keyboard.press("Enter")
    assert answer.value.headers["content-type"] == "application/json"


def test_the_footer_leads_to_the_open_data(page_at, world):
    page = page_at(320, 640)
    page.goto(page.base_url + "/comptes/connexion/")
    page.get_by_role("link", name="Données ouvertes").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Données ouvertes"
