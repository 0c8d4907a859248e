"""The journeys' main pages at 320 px (RGAA 10.11), at 200 % zoom with wider text spacing
(10.4, 10.12), without style sheets (10.2, 10.3), with one h1 and no skipped heading level
(9.1), and form fields whose borders reach 3:1 (3.3)."""

import datetime

from neighborhoods.models import Meeting, Neighbourhood, User
from tests.votes.factories import VoteFactory, occupied_dwellings
from votes import services

# 1280 × 900 at 200 %: the page lays out in 640 × 450 CSS pixels.
ZOOMED = {"width": 640, "height": 450}
NARROW = {"width": 320, "height": 640}
TEXT_SPACING = (
    "* { line-height: 1.5 !important; letter-spacing: .12em !important;"
    " word-spacing: .16em !important; } p { margin-bottom: 2em !important; }"
)
HEADINGS = """() => {
  const levels = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
    .filter(h => h.offsetParent !== null || h.closest('.visually-hidden'))
    .map(h => Number(h.tagName[1]));
  const skips = levels.filter((l, i) => i > 0 && l > levels[i - 1] + 1);
  return {h1: levels.filter(l => l === 1).length, skips: skips.length, levels};
}"""
# The lowest contrast, against white, of the borders of the page's visible form fields.
BORDER_CONTRAST = """() => {
  const lum = c => { const v = c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map(x => {
      x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const fields = [...document.querySelectorAll('.form-control,.form-select,.form-check-input')]
    .filter(e => e.offsetParent !== null && !e.matches(':checked,.is-invalid,:focus'));
  if (!fields.length) return null;
  return Math.min(...fields.map(e => 1.05 / (lum(getComputedStyle(e).borderTopColor) + 0.05)));
}"""
WITHOUT_CSS = """() => {
  for (const sheet of document.styleSheets) sheet.disabled = true;
  const main = document.querySelector('main');
  const h1 = document.querySelector('h1');
  const visible = main.getBoundingClientRect().height > 0;
  const text = main.innerText;
  for (const sheet of document.styleSheets) sheet.disabled = false;
  return visible && text.includes(h1.innerText.trim());
}"""


def _world(world):
    Neighbourhood.objects.filter(pk=world.nbh.pk).update(stage=Neighbourhood.Stage.VOTE)
    occupied_dwellings(world.nbh, 4)
    vote = services.roll_freeze(vote=VoteFactory(neighbourhood=world.nbh), by=User.objects.system())
    half_day = Meeting.objects.create(
        neighbourhood=world.nbh,
        kind=Meeting.Kind.LAUNCH,
        held_on=datetime.date.today(),
        place="Maison pour tous",
    )
    return vote, half_day


def _check(page, path):
    page.set_viewport_size(NARROW)
    page.goto(page.base_url + path)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{path}: horizontal scroll at 320 px"
    )
    headings = page.evaluate(HEADINGS)
    assert headings["h1"] == 1 and not headings["skips"], f"{path}: headings {headings}"
    contrast = page.evaluate(BORDER_CONTRAST)
    assert contrast is None or contrast >= 3, f"{path}: field border contrast {contrast:.2f}"
    assert page.evaluate(WITHOUT_CSS), f"{path}: content lost without style sheets"
    page.set_viewport_size(ZOOMED)
    # A constructed style sheet (CSSOM), as a user style sheet would be: the CSP still holds.
    page.evaluate(
        "css => { const s = new CSSStyleSheet(); s.replaceSync(css);"
        " document.adoptedStyleSheets = [...document.adoptedStyleSheets, s]; }",
        TEXT_SPACING,
    )
    assert page.evaluate("getComputedStyle(document.body).wordSpacing") != "0px"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{path}: horizontal scroll at 200 % with wider text spacing"
    )


def test_main_pages_reflow_at_320_px_and_200_percent(
    page_at,
    login,
    assert_accessible,
    world,
    coordinator,
    landlord_user,
    centre_user,
    association_user,
):
    vote, half_day = _world(world)
    visits = {
        None: ["/comptes/connexion/", "/votes/voter/", "/accessibilite/", "/plan-du-site/"],
        coordinator: [
            "/",
            "/quartiers/",
            "/quartiers/nouveau/",
            world.nbh.get_absolute_url(),
            f"/quartiers/{world.nbh.slug}/reunions/nouvelle/",
            "/quartiers/registre/import/",
            "/votes/nouveau/",
            vote.get_absolute_url(),
            "/tableau-de-bord/bilans/",
            "/plan-du-site/",
        ],
        landlord_user: ["/", "/votes/", vote.get_absolute_url(), "/abonnements/charges/"],
        centre_user: [
            "/",
            "/accompagnement/demi-journees/",
            f"/accompagnement/demi-journees/{half_day.pk}/",
        ],
        association_user: ["/", "/votes/resultats/", "/accompagnement/conseil-juridique/"],
    }
    # The public pages of the footer pass axe too (the journeys check the others).
    public = page_at(1280)
    for path in ("/accessibilite/", "/plan-du-site/", "/donnees-personnelles/"):
        public.goto(public.base_url + path)
        assert_accessible(public)
    # The skip link is the first stop of Tab, shows itself on focus, and leads to the content.
    public.keyboard.press("Tab")
    skip = public.get_by_role("link", name="Aller au contenu")
    assert skip.evaluate("a => a === document.activeElement")
    assert skip.bounding_box()["width"] > 10
    public.keyboard.press("Enter")
    public.wait_for_function("document.activeElement.id === 'contenu'")
    for user, paths in visits.items():
        page = page_at(**NARROW)
        if user is not None:
            login(page, user)
        for path in paths:
            _check(page, path)
