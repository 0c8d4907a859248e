"""Legal advice: a household's question is recorded and sent to a tenants' association of its
neighbourhood, which answers it (an answer may be corrected)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from brest_internet.common import clock
from neighborhoods.models import Household, Organisation, User

from .. import rules
from ..models import AdviceRequest
from .base import SupportError, check, dwelling_of
from .notify import notify


def advice_create(
    *,
    household: Household,
    association: Organisation,
    topic: str,
    question: str,
    by: User,
    requested_on: datetime.date | None = None,
) -> AdviceRequest:
    """Record a household's question and assign it to `association`, one of those that
    represent the tenants of the household's neighbourhood."""
    check(rules.can_record_for(by, household))
    dwelling = dwelling_of(household)
    neighbourhood = dwelling.neighbourhood
    if not neighbourhood.associations.filter(
        pk=association.pk, kind=Organisation.Kind.TENANTS_ASSOCIATION
    ).exists():
        raise SupportError(
            _("L'association %(a)s ne représente pas les locataires du quartier %(n)s.")
            % {"a": association, "n": neighbourhood},
            field="association",
        )
    request = AdviceRequest(
        household=household,
        neighbourhood=neighbourhood,
        association=association,
        topic=topic,
        question=question,
        requested_on=requested_on or clock.today(),
        created_by=by,
    )
    request._history_user = by
    request.save()
    return request


def advice_answer(
    *,
    request: AdviceRequest,
    answer: str,
    by: User,
    now: datetime.datetime | None = None,
) -> AdviceRequest:
    """Record the association's answer (an answered request can be answered again: corrected)."""
    answer = answer.strip()
    if not answer:
        raise SupportError(_("La réponse est vide."))
    with transaction.atomic():
        locked = AdviceRequest.objects.select_for_update().get(pk=request.pk)
        check(rules.can_answer(by, locked))
        if locked.status == AdviceRequest.Status.CANCELLED:
            raise SupportError(_("Cette demande est annulée."))
        if locked.status == AdviceRequest.Status.ANSWERED and locked.answer == answer:
            return locked
        first_answer = locked.status == AdviceRequest.Status.OPEN
        locked.status = AdviceRequest.Status.ANSWERED
        locked.answer = answer
        locked.answered_at = now or clock.now()
        locked.answered_by = by
        locked._history_user = by
        locked.save(update_fields=["status", "answer", "answered_at", "answered_by"])
        if first_answer:  # a corrected answer is not told again
            notify(kind="ADVICE_ANSWERED", household=locked.household, about=locked)
        return locked
