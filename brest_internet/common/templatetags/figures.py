"""Figures written the French way in templates: "57,5 %", "1 052", "29,00 €", "—" for none."""

import functools

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

NONE = "—"
NBSP = "\u00a0"
MEMO_SIZE = 4096


def memoized(fn):
    """Remember the text of a figure per language: a dashboard at national size writes thousands
    of cells from a few hundred distinct values, and Django's localised number formatting costs
    5 to 12 µs a call. The key holds the value's type and text, so that 40, 40.0 and
    Decimal("40.00") stay apart."""

    @functools.lru_cache(maxsize=MEMO_SIZE)
    def cached(_type, _text, value, args, language):
        return fn(value, *args)

    @functools.wraps(fn)
    def wrapper(value, *args):
        try:
            return cached(type(value), str(value), value, args, get_language())
        except TypeError:  # an unhashable value: format it every time
            return fn(value, *args)

    return wrapper


@register.filter
@memoized
def pct(value, digits="-1"):
    """A percentage: one decimal at most, none when it is a whole number (61 %, 57,5 %)."""
    if value is None or value == "":
        return NONE
    return f"{floatformat(value, f'{digits}g')}{NBSP}%"


@register.filter
@memoized
def num(value):
    """A count with grouped thousands (2 043)."""
    if value is None or value == "":
        return NONE
    return intcomma(value)


@register.filter
@memoized
def euros(value):
    if value is None or value == "":
        return NONE
    return f"{floatformat(value, '2g')}{NBSP}€"


_TREND_CELLS: dict = {}


def _trend_cell(rate, count) -> str:
    if rate is None:
        return f'<td class="text-end">{NONE}</td>'
    return (
        f'<td class="text-end">{escape(pct(rate))} '
        f'<span class="small">({escape(num(count))})</span></td>'
    )


@register.filter
def trend_cells(cells):
    """The `<td>` cells of one row of a subscription-rate table, from its (rate, count) pairs:
    "11,6 % (69)", or "—" before the launch. Written here in one go rather than cell by cell in
    the template, and remembered per language, since a dashboard at national size holds
    thousands of them."""
    language = get_language()
    if len(_TREND_CELLS) > 4 * MEMO_SIZE:
        _TREND_CELLS.clear()
    parts = []
    for rate, count in cells:
        key = (language, type(rate), str(rate), count)
        cell = _TREND_CELLS.get(key)
        if cell is None:
            cell = _TREND_CELLS[key] = _trend_cell(rate, count)
        parts.append(cell)
    return mark_safe("".join(parts))  # noqa: S308 — every figure above is escaped


@register.simple_tag(takes_context=True)
def kept_include(context, template_name: str, key: str | None):
    """`{% include template_name %}`, kept drawn until the data next changes under `key`
    (`figures_cache`; drawn each time without a key). For a part of a page drawn from kept
    figures only: the key must say everything the part shows that the figures do not (the
    query string its links keep, the user's scope); figures_cache adds the language."""
    from django.template.loader import get_template

    from brest_internet.common import figures_cache

    def draw():
        return get_template(template_name).render(context.flatten(), context.get("request"))

    if not key:
        return mark_safe(draw())  # noqa: S308 — a template's own output, escaped by it
    return mark_safe(figures_cache.cached(f"{key}:html", draw))  # noqa: S308 — idem
