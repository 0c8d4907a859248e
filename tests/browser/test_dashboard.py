"""The dashboard and a review in a real browser: charts drawn without breaking the CSP, the
review's print view (A4, tables instead of charts), keyboard-free checks with axe."""

import datetime

from playwright.sync_api import expect

from brest_internet.programme.models import Review
from tests.dashboard.builders import build_small


def test_dashboard_and_review_print_view(
    page, page_at, login, assert_accessible, screenshot, orgs, coordinator, centre_user
):
    small = build_small(orgs)
    review = Review.objects.create(
        neighbourhood=small.alpha,
        period_start=datetime.date(2013, 1, 1),
        period_end=datetime.date(2013, 12, 31),
        findings="Les ateliers du samedi sont pleins.\nPeu de demandes d'aide à domicile.",
        next_steps="Ouvrir une seconde séance le samedi matin.",
        author=coordinator,
    )

    login(page, coordinator)
    page.goto(page.base_url + "/tableau-de-bord/?annee=2013")
    # Chart.js drew the three charts (a drawn canvas gets a size from Chart.js).
    for chart in ("chart-funnel", "chart-trend", "chart-attendance"):
        canvas = page.locator(f'canvas[data-chart="{chart}"]')
        assert canvas.get_attribute("role") == "img"
        assert canvas.evaluate("c => c.width > 0 && !!window.Chart.getChart(c)")
    assert page.get_by_role("table", name="Quartiers et logements à chaque étape, à ce jour")
    assert_accessible(page)
    screenshot(page, "dashboard")

    # The filters, with an error, stay accessible.
    page.goto(page.base_url + "/tableau-de-bord/?annee=1850")
    assert page.locator(".is-invalid").count() == 1
    assert_accessible(page)

    page.goto(page.base_url + f"/tableau-de-bord/bilans/{review.pk}/")
    print_button = page.get_by_role("button", name="Imprimer / PDF")
    expect(print_button).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    # On paper: no navigation, no buttons, no canvas; every table is printed.
    expect(page.locator("header.app-header")).to_be_hidden()
    expect(print_button).to_be_hidden()
    expect(page.locator("canvas").first).to_be_hidden()
    assert page.get_by_role(
        "table", name="Accompagnement des habitants sur la période"
    ).is_visible()
    expect(page.get_by_text("Ouvrir une seconde séance le samedi matin.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "review-print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")

    # The review form, with its errors, and the list of reviews.
    page.emulate_media(media="screen")
    page.goto(
        page.base_url + "/tableau-de-bord/bilans/nouveau/beta/?debut=2013-06-01&fin=2013-12-31"
    )
    page.get_by_role("button", name="Enregistrer le bilan").click()
    expect(page.get_by_text("Ce champ est obligatoire.").first).to_be_visible()
    assert_accessible(page)
    page.goto(page.base_url + "/tableau-de-bord/bilans/")
    assert_accessible(page)

    # Centre staff: their home with coming sessions, on a phone.
    phone = page_at(375)
    login(phone, centre_user)
    assert "Vos prochaines séances" in phone.inner_text("main")
    assert_accessible(phone)
