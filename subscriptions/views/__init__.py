"""Pages of the subscriptions app: subscriptions and their transitions, the monthly charges.

Who may do what: coordinators everything; the landlord's staff everything in their landlord's
neighbourhoods; centre staff see the subscriptions of the neighbourhoods their centre serves
and record requests. Every object is fetched through the user's scope (404 outside it).

One module per section, re-exported here for `subscriptions.urls`: the subscriptions
(`subscriptions`), the monthly charges (`charges`), the offer and its tariffs (`offer`).
"""

from .charges import (
    adjustment_create,
    charges_export,
    charges_export_confirm,
    charges_export_file,
    charges_generate,
    charges_index,
    charges_month,
)
from .common import get_subscription_for_user
from .offer import offer, tariff_schedule
from .subscriptions import (
    requests_batch_file,
    requests_csv,
    requests_mark_sent,
    subscription_activate,
    subscription_cancel,
    subscription_create,
    subscription_detail,
    subscription_list,
    subscription_rate,
    subscription_send,
)

__all__ = [
    "adjustment_create",
    "charges_export",
    "charges_export_confirm",
    "charges_export_file",
    "charges_generate",
    "charges_index",
    "charges_month",
    "get_subscription_for_user",
    "offer",
    "requests_batch_file",
    "requests_csv",
    "requests_mark_sent",
    "subscription_activate",
    "subscription_cancel",
    "subscription_create",
    "subscription_detail",
    "subscription_list",
    "subscription_rate",
    "subscription_send",
    "tariff_schedule",
]
