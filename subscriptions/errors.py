"""The refusals of the subscriptions app: each is a kit `Refusal` (a French message, a field)."""

from brest_internet.common.errors import Refusal


class SubscriptionError(Refusal):
    """A subscription change refused; str() is a French message for the person who asked."""


class ChargeError(Refusal):
    """A tariff or charge operation refused; str() is a French message."""
