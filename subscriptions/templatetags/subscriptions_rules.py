"""The rules of `subscriptions.rules` for templates: `{% load subscriptions_rules %}`, then
`{% if user|may_manage_charges %}`, so that a menu shows what its page lets in."""

from django import template

from subscriptions import rules

register = template.Library()

register.filter("may_view_subscriptions", rules.can_view_subscriptions)
register.filter("may_manage_subscriptions", rules.can_manage_subscriptions)
register.filter("may_manage_charges", rules.can_manage_charges)
register.filter("may_manage_offer", rules.can_manage_offer)
register.filter("acts_for_every_landlord", rules.acts_for_every_landlord)


@register.filter
def person(user):
    """The person who acted; nothing for the system actor, so that a page keeps its own word
    for what the programme ran by itself (« commande », « — »)."""
    if user is not None and getattr(user, "is_system", False):
        return ""
    return user
