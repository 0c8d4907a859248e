"""A household's subscription, from its request to its cancellation (re-exported by
`subscriptions.services`): each change locks the subscription, checks its state, writes the new
one with its history row, and is a no-op when already done."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from brest_internet.common import clock, formats
from neighborhoods.models import Dwelling, Household, Meeting, Neighbourhood, Occupancy, User

from . import exports, rules, summaries
from .errors import SubscriptionError
from .models import RequestBatch, SentRequest, Subscription

Status = Subscription.Status
Channel = Subscription.Channel
# A subscription may be requested once the vote adopted the offer (launch) and while it runs.
OPEN_STAGES = (Neighbourhood.Stage.LAUNCH, Neighbourhood.Stage.RUNNING)


def subscription_request(
    *,
    dwelling: Dwelling,
    household: Household,
    channel: str,
    by: User,
    requested_on: datetime.date | None = None,
    half_day: Meeting | None = None,
) -> Subscription:
    """Record a household's connection request for its dwelling (status: requested).

    Refused when the dwelling already has an open subscription, when its neighbourhood has not
    adopted the offer (launch or running stage), when the household does not live there on
    `requested_on`, or when `half_day` is not a launch half-day of that neighbourhood.
    `requested_on` defaults to the half-day's date, else today.
    """
    if channel not in Channel.values:
        raise SubscriptionError(_("Canal de demande inconnu : %(c)s.") % {"c": channel})
    if half_day is not None:
        if channel != Channel.HALF_DAY:
            raise SubscriptionError(
                _(
                    "Une demi-journée de lancement n'est indiquée que pour une demande "
                    "faite ce jour-là."
                )
            )
        if half_day.kind != Meeting.Kind.LAUNCH:
            raise SubscriptionError(_("Cette réunion n'est pas une demi-journée de lancement."))
        if half_day.neighbourhood_id != dwelling.neighbourhood_id:
            raise SubscriptionError(
                _("Cette demi-journée de lancement concerne un autre quartier que le logement.")
            )
    requested_on = requested_on or (half_day.held_on if half_day else clock.today())
    if requested_on > clock.today():
        raise SubscriptionError(_("La date de la demande ne peut pas être dans le futur."))
    with transaction.atomic():
        # Lock the dwelling: two people entering the same request at the same moment are
        # serialised here, and the second one sees the first one's subscription.
        dwelling = (
            Dwelling.objects.select_for_update().select_related("neighbourhood").get(pk=dwelling.pk)
        )
        nbh = dwelling.neighbourhood
        if not rules.can_request_subscription(by, dwelling):
            raise SubscriptionError(_("Ce logement n'est pas dans votre périmètre."))
        if nbh.stage not in OPEN_STAGES:
            raise SubscriptionError(
                _(
                    "Le quartier %(name)s n'a pas (ou plus) l'offre : il est à l'étape "
                    "« %(stage)s »."
                )
                % {"name": nbh.name, "stage": nbh.get_stage_display()}
            )
        if dwelling.status == Dwelling.Status.OUT_OF_SERVICE:
            raise SubscriptionError(_("Le logement %(ref)s est hors service.") % {"ref": dwelling})
        lives_there = Occupancy.objects.filter(
            dwelling=dwelling, household=household, moved_in__lte=requested_on
        ).exclude(moved_out__lte=requested_on)
        if not lives_there.exists():
            raise SubscriptionError(
                _("Le foyer %(h)s n'occupe pas le logement %(d)s au %(on)s.")
                % {"h": household, "d": dwelling, "on": formats.day(requested_on)}
            )
        existing = Subscription.objects.open().filter(dwelling=dwelling).first()
        if existing is not None:
            raise SubscriptionError(
                _("Le logement %(d)s a déjà un abonnement en cours (%(status)s).")
                % {"d": dwelling, "status": existing.get_status_display()}
            )
        try:
            with transaction.atomic():
                return Subscription.objects.create(
                    dwelling=dwelling,
                    household=household,
                    channel=channel,
                    half_day=half_day,
                    requested_on=requested_on,
                    requested_by=by,
                )
        except IntegrityError as exc:  # the partial unique index, if a row slipped in anyway
            raise SubscriptionError(_("Ce logement a déjà un abonnement en cours.")) from exc


def _lock_subscription(subscription: Subscription) -> Subscription:
    return Subscription.objects.select_for_update().get(pk=subscription.pk)


def _check_day(day: datetime.date | None, after: datetime.date, after_label: str) -> datetime.date:
    day = day or clock.today()
    if day > clock.today():
        raise SubscriptionError(_("La date ne peut pas être dans le futur."))
    if day < after:
        raise SubscriptionError(
            _("La date (%(day)s) précède %(what)s (%(after)s).")
            % {"day": formats.day(day), "what": after_label, "after": formats.day(after)}
        )
    return day


def _refuse_outside_scope(allowed: bool) -> None:
    if not allowed:
        raise SubscriptionError(_("Cet abonnement n'est pas dans votre périmètre."))


def subscription_send(
    *, subscription: Subscription, by: User, on: datetime.date | None = None
) -> Subscription:
    """Mark a requested subscription as sent to the operator (no-op when already sent)."""
    _refuse_outside_scope(rules.can_manage_subscriptions(by, subscription))
    with transaction.atomic():
        return _send(_lock_subscription(subscription), by=by, on=on)


def _send(sub: Subscription, *, by: User, on: datetime.date | None) -> Subscription:
    """`subscription_send` once the subscription is locked and `by` may send it."""
    if sub.status == Status.SENT:
        return sub
    if sub.status != Status.REQUESTED:
        raise SubscriptionError(
            _("Seule une demande non transmise peut être transmise (statut : %(s)s).")
            % {"s": sub.get_status_display()}
        )
    sub.sent_on = _check_day(on, sub.requested_on, _("la demande"))
    sub.status = Status.SENT
    sub._history_user = by
    sub.save(update_fields=["status", "sent_on"])
    return sub


def subscriptions_mark_sent(
    *, subscriptions, by: User, on: datetime.date | None = None
) -> RequestBatch | None:
    """Mark every still-requested subscription of the queryset as sent, as one batch.

    The batch keeps the operator's file as it is at that moment (bytes and SHA-256): it is
    downloaded again identical, whatever later happens to the households or the requests.
    Returns the batch, None when nothing was left to send. `subscriptions` is in `by`'s scope
    (`rules.subscriptions_for`).
    """
    _refuse_outside_scope(rules.can_manage_subscriptions(by))
    with transaction.atomic():
        ids = list(subscriptions.filter(status=Status.REQUESTED).values_list("pk", flat=True))
        # The requests themselves are locked, not the neighbourhoods the caller's scope joins;
        # one cancelled meanwhile is no longer "requested" here, and is not sent.
        locked = Subscription.objects.filter(pk__in=ids, status=Status.REQUESTED)
        sent = [sub.pk for sub in locked.order_by("pk").select_for_update()]
        if not sent:
            return None
        for sub in Subscription.objects.filter(pk__in=sent).order_by("pk"):
            _send(sub, by=by, on=on)
        frozen = exports.freeze(exports.request_csv(Subscription.objects.filter(pk__in=sent)))
        organisation = rules.on_behalf_of(by)
        batch = RequestBatch.objects.create(
            content=frozen.content,
            sha256=frozen.sha256,
            size=frozen.size,
            rows=frozen.rows,
            created_by=by,
            organisation=organisation,
        )
        SentRequest.objects.bulk_create(
            [SentRequest(batch=batch, subscription_id=pk) for pk in sent]
        )
        return batch


def subscription_activate(
    *,
    subscription: Subscription,
    by: User,
    activated_on: datetime.date,
    modem_serial: str,
) -> Subscription:
    """Record the operator's activation (date and modem serial); no-op when already active."""
    modem_serial = (modem_serial or "").strip()
    _refuse_outside_scope(rules.can_answer_request(by, subscription))
    with transaction.atomic():
        sub = _lock_subscription(subscription)
        if sub.status == Status.ACTIVE:
            return sub
        if sub.status == Status.CANCELLED:
            raise SubscriptionError(_("Un abonnement résilié ne peut pas être activé."))
        if not modem_serial:
            raise SubscriptionError(_("Indiquez le numéro de série du modem."))
        if activated_on is None:
            raise SubscriptionError(_("Indiquez la date d'activation."))
        sub.activated_on = _check_day(activated_on, sub.requested_on, _("la demande"))
        if sub.status == Status.REQUESTED:
            sub.sent_on = sub.sent_on or sub.activated_on
        sub.modem_serial = modem_serial
        sub.status = Status.ACTIVE
        sub._history_user = by
        sub.save(update_fields=["status", "sent_on", "activated_on", "modem_serial"])
        _count_in_month(sub, sub.activated_on, activated=1)
        return sub


def _count_in_month(sub: Subscription, day: datetime.date, **counts) -> None:
    """The dashboard's monthly summary, in the service's transaction."""
    nbh_id = Dwelling.objects.filter(pk=sub.dwelling_id).values_list("neighbourhood", flat=True)
    summaries.subscription_month_add(neighbourhood_id=nbh_id.get(), day=day, **counts)


def subscription_cancel(
    *,
    subscription: Subscription,
    by: User,
    cancelled_on: datetime.date,
    reason: str,
) -> Subscription:
    """Cancel a subscription (date and reason); no-op when already cancelled.

    An active subscription cannot be cancelled before its activation date.
    """
    reason = (reason or "").strip()
    if not reason:
        raise SubscriptionError(_("Une résiliation doit être motivée."))
    _refuse_outside_scope(rules.can_answer_request(by, subscription))
    with transaction.atomic():
        sub = _lock_subscription(subscription)
        if sub.status == Status.CANCELLED:
            return sub
        if cancelled_on is None:
            raise SubscriptionError(_("Indiquez la date de résiliation."))
        if sub.activated_on:
            sub.cancelled_on = _check_day(cancelled_on, sub.activated_on, _("l'activation"))
        else:
            sub.cancelled_on = _check_day(cancelled_on, sub.requested_on, _("la demande"))
        sub.mark_cancelled(by=by, reason=reason)
        sub.status = Status.CANCELLED
        sub._history_user = by
        sub.save(update_fields=["status", "cancelled_on", *sub.cancellation_fields()])
        if sub.activated_on:  # a request cancelled before activation never counted as active
            _count_in_month(sub, sub.cancelled_on, ended=1)
        return sub
