"""The neighbourhoods' rules for templates: `{% if user|can_keep_register %}` asks
`neighborhoods.rules`, so that a page shows a link exactly when the view lets the user in."""

from django import template

from neighborhoods import rules

register = template.Library()


@register.filter
def can_manage_pipeline(user):
    return rules.can_manage_pipeline(user)


@register.filter
def can_keep_register(user, nbh=None):
    return rules.can_keep_register(user, nbh)


@register.filter
def can_see_funnel(user):
    return rules.can_see_funnel(user)
