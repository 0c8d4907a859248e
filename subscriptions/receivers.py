"""What the subscriptions app does when the housing register changes."""

from django.dispatch import receiver
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from neighborhoods.moves import MoveError, household_moved_out
from neighborhoods.summaries import dwellings_moved

from . import services, summaries
from .models import Subscription


@receiver(household_moved_out, dispatch_uid="subscriptions.end_on_move_out")
def end_subscription_of_a_household_that_left(sender, occupancy, moved_out, by, **kwargs):
    """A household that leaves its dwelling no longer uses the offer there: its subscription in
    that dwelling still open (requested, sent or active) is cancelled on the day it left, so that
    the subscription rates stay true. One at most (a database constraint). A subscription
    activated after that day refuses the move-out, with the subscriptions app's message."""
    open_ones = Subscription.objects.filter(
        household_id=occupancy.household_id, dwelling_id=occupancy.dwelling_id
    ).exclude(status=Subscription.Status.CANCELLED)
    reason = _("Départ du logement le %(day)s") % {
        "day": date_format(moved_out, "SHORT_DATE_FORMAT")
    }
    for subscription in open_ones:
        try:
            services.subscription_cancel(
                subscription=subscription, by=by, cancelled_on=moved_out, reason=reason
            )
        except services.SubscriptionError as error:
            raise MoveError(str(error)) from error


@receiver(dwellings_moved, dispatch_uid="subscriptions.recount_months_of_moved_dwellings")
def recount_the_months_of_moved_dwellings(sender, neighbourhood_ids, **kwargs):
    """A dwelling corrected into another neighbourhood takes its subscriptions with it: the
    months of both neighbourhoods are recounted (`SubscriptionMonth`), in the same transaction."""
    summaries.subscription_months_refresh(neighbourhood_ids)
