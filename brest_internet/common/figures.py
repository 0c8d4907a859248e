"""How the programme rounds the figures it reports: once, here, for every page and file.

Half up, as people round by hand: 1 household in 16 is 6,3 %, on the dashboard as on a vote's
result, and 2,125 € per subscriber is 2,13 €.
"""

from decimal import ROUND_HALF_UP, Decimal

TENTH = Decimal("0.1")
CENT = Decimal("0.01")


def percent(part, whole) -> Decimal | None:
    """part / whole as a percentage with one decimal, rounded half up (None for x / 0)."""
    if not whole or part is None:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, ROUND_HALF_UP)


def per(amount, count) -> Decimal | None:
    """An amount of euros shared by `count` (subscribers, months…), to the cent, half up."""
    if not count:
        return None
    return (Decimal(amount) / Decimal(count)).quantize(CENT, ROUND_HALF_UP)
