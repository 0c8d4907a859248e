"""Figures written the French way in templates: "57,5 %", "1 052", "29,00 €", "—" for none."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat

register = template.Library()

NONE = "—"
NBSP = "\u00a0"


@register.filter
def pct(value, digits="-1"):
    """A percentage: one decimal at most, none when it is a whole number (61 %, 57,5 %)."""
    if value is None or value == "":
        return NONE
    return f"{floatformat(value, f'{digits}g')}{NBSP}%"


@register.filter
def num(value):
    """A count with grouped thousands (2 043)."""
    if value is None or value == "":
        return NONE
    return intcomma(value)


@register.filter
def euros(value):
    if value is None or value == "":
        return NONE
    return f"{floatformat(value, '2g')}{NBSP}€"
