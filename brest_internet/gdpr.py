"""Data protection (GDPR): what the app keeps about households, an export per household, and
an anonymisation that removes names, contacts and free text but keeps every figure true.

Votes and charges reference dwellings, never people; subscriptions, sign-ups and orders keep
their rows (the statistics count them) but lose what identifies the household. The audit trail
(django-simple-history) is anonymised too: a historical row would otherwise keep the name.
"""

import datetime
import json

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import CharField, Max, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from neighborhoods.models import Household, Occupancy

ANONYMOUS_TEXT = "[anonymisé]"

# Free-text fields, on records linked to a household, where staff may have written personal
# details. `tests/test_gdpr.py` fails when a model linked to a household gains a text field
# that is neither listed here nor in NOT_PERSONAL.
PERSONAL_TEXT = {
    "support.HalfDayVisit": ["notes"],
    "support.HomeHelpRequest": ["details", "outcome"],
    "support.AdviceRequest": ["question", "answer"],
    "subscriptions.Subscription": ["cancel_reason"],
}
# Text fields on those records that describe equipment or the programme, not the person.
NOT_PERSONAL = {
    "subscriptions.Subscription": ["modem_serial"],
}


class AnonymisationError(Exception):
    pass


def household_links():
    """Every model with a foreign key to Household, with the name of that key."""
    for relation in Household._meta.related_objects:
        if relation.one_to_many or relation.one_to_one:
            yield relation.related_model, relation.field.name


def household_export(*, household):
    """All the programme keeps about one household, as a JSON-ready dict."""
    data = {
        "foyer": {
            "id": household.pk,
            "nom": household.name,
            "telephone": household.phone,
            "courriel": household.email,
            "cree_le": household.created_at,
            "anonymise_le": household.anonymised_at,
        }
    }
    for model, field in household_links():
        rows = list(model._default_manager.filter(**{field: household}).values())
        data[model._meta.label] = rows
    return data


def household_export_json(*, household):
    return json.dumps(
        household_export(household=household), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )


def _anonymous_name():
    return Concat(Value("Foyer anonymisé n° "), Cast("id", output_field=CharField()))


def households_anonymise(*, households, by=None):
    """Anonymise a set of households in a few set-based statements; returns how many."""
    now = timezone.now()
    with transaction.atomic():
        # Mark first, then select by the mark: the set stays the same through every statement
        # without holding the ids in Python (a retention run may anonymise thousands).
        candidates = households.filter(anonymised_at__isnull=True).values("pk")
        count = Household.objects.filter(pk__in=candidates).update(anonymised_at=now)
        if not count:
            return 0
        marked = Household.objects.filter(anonymised_at=now)
        ids = marked.values("pk")
        marked.update(name=_anonymous_name(), phone="", email="")
        Household.history.model.objects.filter(id__in=ids).update(name=_anonymous_name())
        for label, fields in PERSONAL_TEXT.items():
            model = apps.get_model(label)
            link = next(f for m, f in household_links() if m is model)
            historical = getattr(model, "history", None)
            for name in fields:
                # Field by field: an empty answer stays empty (it says "not answered yet").
                model._default_manager.filter(**{f"{link}__in": ids}).exclude(**{name: ""}).update(
                    **{name: ANONYMOUS_TEXT}
                )
                if historical is not None:
                    historical.model.objects.filter(**{f"{link}_id__in": ids}).exclude(
                        **{name: ""}
                    ).update(**{name: ANONYMOUS_TEXT})
    return count


def household_anonymise(*, household, by=None):
    """Anonymise one household (a no-op when already done)."""
    if household.anonymised_at is not None:
        raise AnonymisationError(_("Ce foyer est déjà anonymisé."))
    return households_anonymise(households=Household.objects.filter(pk=household.pk), by=by)


def departed_households(*, months=None, today=None):
    """Households gone (every occupancy ended) for longer than the retention period."""
    months = settings.GDPR_RETENTION_MONTHS if months is None else months
    today = today or timezone.localdate()
    limit = today - datetime.timedelta(days=round(months * 30.44))
    still_living = Occupancy.objects.filter(moved_out__isnull=True).values("household_id")
    return (
        Household.objects.filter(anonymised_at__isnull=True)
        .exclude(id__in=still_living)
        .annotate(last_out=Max("occupancies__moved_out"))
        .filter(
            Q(last_out__lt=limit)
            # Never housed in a register dwelling (met at a half-day): count from its creation.
            | Q(
                last_out__isnull=True,
                created_at__lt=timezone.make_aware(
                    datetime.datetime.combine(limit, datetime.time.min)
                ),
            )
        )
    )
