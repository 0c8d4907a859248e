"""The collective offer, its tariff, the households' subscriptions and the monthly €1 charge.

Subscriptions and charges are independent on purpose: every dwelling of a running neighbourhood
pays the charge, subscriber or not (that is why the tenants vote first). State fields are written
only by the functions of `subscriptions.services`.

One module per section, re-exported here: the offer and its tariffs (`offer`), the
subscriptions and the batches sent to the operator (`subscriptions`), the billed months and
their landlords (`months`), the runs with their lines and totals (`charges`), the adjustments
and the exported files (`adjustments`, `files`).
"""

from .adjustments import ADJUSTMENT_MAX, Adjustment, ChargeExport, ExportedAdjustment
from .charges import Charge, ChargeRun, ChargeRunQuerySet, MonthTotal, Payer
from .files import SentFile
from .months import ChargeMonth, LandlordMonth
from .offer import Offer, Tariff, TariffQuerySet
from .subscriptions import (
    RequestBatch,
    RequestBatchQuerySet,
    SentRequest,
    Subscription,
    SubscriptionQuerySet,
    active_on_q,
)
from .summaries import SubscriptionMonth

__all__ = [
    "ADJUSTMENT_MAX",
    "Adjustment",
    "Charge",
    "ChargeExport",
    "ChargeMonth",
    "ChargeRun",
    "ChargeRunQuerySet",
    "ExportedAdjustment",
    "LandlordMonth",
    "MonthTotal",
    "Offer",
    "Payer",
    "RequestBatch",
    "RequestBatchQuerySet",
    "SentFile",
    "SentRequest",
    "Subscription",
    "SubscriptionMonth",
    "SubscriptionQuerySet",
    "Tariff",
    "TariffQuerySet",
    "active_on_q",
]
