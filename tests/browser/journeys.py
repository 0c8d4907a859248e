"""Helpers shared by the end-to-end journeys (tests/browser/test_journey_*.py).

A journey drives the real pages as one kind of user does, and checks every page it reaches with
axe (`checked`), forms with errors included. Keyboard journeys use `tab_to` and `press_enter`
rather than clicks.
"""

from contextlib import contextmanager

from django.utils import timezone


def today():
    return timezone.localdate()


def iso(day):
    return day.strftime("%Y-%m-%d")


def main_text(page):
    return " ".join(page.inner_text("main").split())


@contextmanager
def navigation(page):
    """Wait for the page load a form submission or a link starts (no sleep)."""
    with page.expect_navigation():
        yield
    page.wait_for_load_state()


def submit(page, button, scope=None):
    """Click the submit button named `button` (in `scope`, a locator, if given) and wait."""
    target = (scope or page).get_by_role("button", name=button)
    with navigation(page):
        target.click()


def follow(page, link, exact=False):
    with navigation(page):
        page.get_by_role("link", name=link, exact=exact).first.click()


def focused(page):
    return page.evaluate(
        "({id: document.activeElement.id, name: document.activeElement.name || '',"
        " type: document.activeElement.type || '', tag: document.activeElement.tagName,"
        " text: (document.activeElement.textContent || '').trim(),"
        " value: document.activeElement.value || '',"
        " href: document.activeElement.getAttribute('href') || ''})"
    )


def tab_to(page, predicate, limit=60, key="Tab"):
    """Press Tab until the focused element satisfies `predicate` (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press(key)
        if predicate(focused(page)):
            return focused(page)
    raise AssertionError(f"never reached the wanted element; last focus {focused(page)}")


def press_enter(page):
    with navigation(page):
        page.keyboard.press("Enter")


def no_horizontal_scroll(page):
    """True when nothing sticks out sideways (WCAG 1.4.10 Reflow)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def has_visible_focus(page):
    """The focused element draws an outline or a box-shadow (WCAG 2.4.7)."""
    return page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)"
        " || (s.boxShadow && s.boxShadow !== 'none'); })()"
    )
