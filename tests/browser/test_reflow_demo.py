"""RGAA 10.11 over the whole demo: at 320 CSS px wide, no page any demo account reaches by links
scrolls sideways. Wide tables scroll inside their own labelled region (`.table-responsive`,
role="region", focusable), which does not widen the page.

The pages are discovered generically (tests/crawler.py, at most two pages per URL pattern), so
pages added later are checked without a line here.
"""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from neighborhoods.models import User
from tests.crawler import crawl

DEMO_ACCOUNTS = ["coordinatrice", "bailleur", "animateur", "association"]
NARROW = {"width": 320, "height": 640}
# What sticks out, to name it in the failure: the outermost elements wider than the screen.
WIDEST = """() => {
  const out = [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    const scrolled = e.closest('.table-responsive')
      && !['absolute', 'fixed'].includes(getComputedStyle(e).position);
    return r.right > document.documentElement.clientWidth + 1 && r.width > 0 && !scrolled;
  });
  const outer = out.filter(e => !out.includes(e.parentElement));
  return outer.slice(0, 3).map(e => e.tagName.toLowerCase()
    + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
    + ' ' + Math.round(e.getBoundingClientRect().right) + 'px');
}"""
# Every scrolling table region is named and reachable with the keyboard.
REGIONS = """() => [...document.querySelectorAll('.table-responsive')].filter(e =>
  e.getAttribute('role') !== 'region' || e.getAttribute('tabindex') !== '0'
  || !(e.getAttribute('aria-labelledby') || e.getAttribute('aria-label'))).length"""


@pytest.fixture
def demo(transactional_db, settings):
    settings.DEMO_PASSWORD = "demo-mot-de-passe-de-test"
    call_command("load_brest_demo", stdout=io.StringIO())


def _pages_of(client, username):
    start = ["/", reverse("sitemap")]
    result = crawl(client, username, start=start, per_key=2, max_pages=150)
    return [page.url for page in result.pages if not page.name.endswith("(POST)")]


def test_no_demo_page_scrolls_sideways_at_320_px(demo, page_at, client_for, live_server):
    too_wide, unnamed, visited = [], [], 0
    for username in DEMO_ACCOUNTS:
        client = client_for(User.objects.get(username=username))
        urls = _pages_of(client, username)
        page = page_at(**NARROW)
        session = client.cookies["sessionid"].value
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": page.base_url}])
        for url in urls:
            page.goto(page.base_url + url)
            visited += 1
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > NARROW["width"]:
                too_wide.append(f"{username} {url}: {width}px {page.evaluate(WIDEST)}")
            if page.evaluate(REGIONS):
                unnamed.append(f"{username} {url}")
        page.context.close()
    assert visited > 100, f"only {visited} pages visited"
    assert not too_wide, f"{len(too_wide)} page(s) wider than 320 px:\n" + "\n".join(too_wide)
    assert not unnamed, "table regions without role, name or tabindex:\n" + "\n".join(unnamed)
