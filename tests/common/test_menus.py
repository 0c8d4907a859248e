"""The main menu's entries (`{% menu_item %}`): links, labels in the user's language, and the
current page marked for screen readers."""

import re

from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from brest_internet.common.templatetags import menus


def entries(page: str) -> list[tuple[str, str, str]]:
    """(href, aria-current or "", label) of each menu entry of `page`."""
    return re.findall(
        r'<li><a class="dropdown-item" href="([^"]+)"( aria-current="page")?>([^<]+)</a></li>',
        page,
    )


def test_the_coordinator_s_menu_links_each_page_once_and_marks_the_one_shown(coordinator, client):
    client.force_login(coordinator)
    page = client.get(reverse("subscriptions:list")).content.decode()
    menu = entries(page)
    hrefs = [href for href, _current, _label in menu]
    assert len(hrefs) == len(set(hrefs)) >= 20
    assert (reverse("subscriptions:list"), ' aria-current="page"', "Demandes et abonnements") in (
        menu
    )
    assert (reverse("jobs:list"), "", "Tâches de fond") in menu
    assert [current for _href, current, _label in menu].count(' aria-current="page"') == 1


def test_the_entries_follow_the_user_s_language(coordinator, client):
    client.force_login(coordinator)
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        page = client.get(reverse("jobs:list")).content.decode()
    assert (reverse("jobs:list"), ' aria-current="page"', "Background jobs") in entries(page)


def test_an_association_sees_neither_the_steering_menu_nor_the_support_pages(
    association_user, client
):
    client.force_login(association_user)
    hrefs = [href for href, _c, _l in entries(client.get("/").content.decode())]
    assert reverse("support:advice_list") in hrefs
    assert reverse("jobs:list") not in hrefs
    assert reverse("support:session_list") not in hrefs


def test_a_link_kept_for_one_urlconf_is_not_served_under_another():
    kept = menus.href("accessibility")
    with override_settings(ROOT_URLCONF="tests.common.menus_urls"):
        assert menus.href("accessibility") == "/ailleurs/accessibilite/"
    assert menus.href("accessibility") == kept
