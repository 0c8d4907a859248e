"""The votes' rules in templates: `{% load vote_rules %}{% if user|may_organise_votes %}`."""

from django import template

from .. import rules

register = template.Library()


@register.filter
def may_organise_votes(user) -> bool:
    return rules.can_organise(user)


@register.filter
def may_read_vote_results(user) -> bool:
    return rules.can_read_results(user)
