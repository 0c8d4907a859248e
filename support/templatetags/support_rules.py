"""The rules of `support.rules` in templates: `{% if user|may:"run_support" %}`."""

from django import template

from .. import rules

register = template.Library()


@register.filter
def may(user, verb: str) -> bool:
    """`rules.can_<verb>(user)`: what the pages show is what the views let through."""
    return getattr(rules, f"can_{verb}")(user)
