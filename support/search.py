"""Finding a household among hundreds: by name, dwelling reference or the last digits of its
phone, within what the user may see (`support.rules.households_for`). One query, at most
`LIMIT` matches, each told apart from its namesakes by its dwelling and neighbourhood.

The page works without script: a search field and its button, then the matches as radio
buttons (`support/_household_search.html`, the one include of every place a household is
chosen: workshop sign-up, home help, legal advice, computer).
"""

import re
from dataclasses import dataclass, field

from django.db.models import Q, Value
from django.db.models.functions import Replace

from .households import with_dwelling_reference
from .rules import households_for

LIMIT = 20
# At least this many digits make a phone search ("5678", "06 12 34 56 78").
PHONE_DIGITS = 4
QUERY_MAX = 100


@dataclass
class HouseholdSearch:
    query: str = ""
    matches: list = field(default_factory=list)
    more: bool = False  # more than LIMIT matched: the user types more of the name

    @property
    def searched(self):
        return bool(self.query)


def _digits_only(expression):
    for char in (" ", ".", "-", "/"):
        expression = Replace(expression, Value(char), Value(""))
    return expression


def phone_end(phone: str) -> str:
    """The last four digits of a phone, all that a list of matches shows of it."""
    digits = re.sub(r"\D", "", phone or "")
    return digits[-PHONE_DIGITS:] if len(digits) >= PHONE_DIGITS else ""


def household_search(user, query: str, *, neighbourhood=None) -> HouseholdSearch:
    """Households `user` may see, living in a dwelling now (of `neighbourhood` if given), whose
    name or dwelling reference contains `query`, or whose phone ends with its digits."""
    query = " ".join((query or "").split())[:QUERY_MAX]
    if not query:
        return HouseholdSearch()
    households = with_dwelling_reference(households_for(user, neighbourhood=neighbourhood))
    wanted = Q(name__icontains=query) | Q(dwelling_reference__icontains=query)
    digits = re.sub(r"\D", "", query)
    if len(digits) >= PHONE_DIGITS and not re.search(r"[^\d\s.+/-]", query):
        households = households.annotate(phone_digits=_digits_only("phone"))
        wanted |= Q(phone_digits__endswith=digits)
    wanted = households.filter(wanted, dwelling_reference__isnull=False)
    found = list(wanted.order_by("name", "dwelling_reference", "pk")[: LIMIT + 1])
    for household in found:
        household.phone_end = phone_end(household.phone)
    return HouseholdSearch(query=query, matches=found[:LIMIT], more=len(found) > LIMIT)
