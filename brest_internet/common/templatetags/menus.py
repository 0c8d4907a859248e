"""The main menu's entries: `{% menu_item "app:view" _("Label") %}`.

Every page draws the menu (about twenty entries for a coordinator). Drawn as an include each,
with its `{% url %}` and its `{% translate … as label %}`, the menu cost a millisecond and a
half of every page (bench, on a page of 5 ms); one tag per entry, whose links are reversed
once per process, costs a fraction of that. The current page's entry is marked for screen
readers (`aria-current="page"`).
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@lru_cache(maxsize=256)
def _href(name: str, urlconf, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


def href(name: str) -> str:
    """`reverse(name)`, kept per URLconf and script prefix (a test may change either)."""
    return _href(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@register.simple_tag(takes_context=True)
def menu_item(context, name: str, label: str) -> str:
    """One entry of a dropdown menu: a link to the view `name`, marked when it is this page."""
    link = href(name)
    request = context.get("request")
    current = request is not None and request.path == link
    return format_html(
        '<li><a class="dropdown-item" href="{}"{}>{}</a></li>',
        link,
        mark_safe(' aria-current="page"') if current else "",
        label,
    )
