"""The summaries the dashboard reads, rebuilt in one go: a repair, when rows were written round
the services (a bulk load, a fix by hand in SQL). Each app owns and rebuilds its own: the
register sizes (`neighborhoods.summaries`), the subscriptions per month
(`subscriptions.summaries`), the workshops per month (`support.summaries`); the rebuilds are
set-based and run in one transaction here."""

from django.db import transaction

from neighborhoods.summaries import register_sizes_rebuild
from subscriptions.summaries import subscription_months_rebuild
from support.summaries import workshop_months_rebuild


def summaries_rebuild() -> None:
    with transaction.atomic():
        register_sizes_rebuild()
        subscription_months_rebuild()
        workshop_months_rebuild()
