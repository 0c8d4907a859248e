"""The audit journal in a browser: readable, filterable, accessible."""

from neighborhoods import pipeline
from neighborhoods.models import Neighbourhood


def test_coordinator_filters_the_journal(page, login, assert_accessible, coordinator, world):
    pipeline.advance(world.nbh, to_stage=Neighbourhood.Stage.PARTNERS, by=coordinator)
    login(page, coordinator)
    page.get_by_role("button", name="Pilotage").click()
    page.get_by_role("link", name="Journal des modifications").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Journal des modifications"
    assert world.nbh.name in page.inner_text("main")
    assert_accessible(page)
    page.get_by_label("Type d'enregistrement").select_option(label="Logements")
    page.get_by_role("button", name="Filtrer").click()
    assert world.dwelling.reference in page.inner_text("main")
    assert_accessible(page)
