"""Data protection (GDPR): what the app keeps about households, an export per household, and
an anonymisation that removes names, contacts and free text but keeps every figure true.

Votes and charges reference dwellings, never people; subscriptions, sign-ups and orders keep
their rows (the statistics count them) but lose what identifies the household. The audit trail
(django-simple-history) is anonymised too: a historical row would otherwise keep the name, and
so is the admin's log (django.contrib.admin's LogEntry keeps each object's name as it was).
After anonymisation the household's name is found in no table.
"""

import datetime
import json
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import CharField, Exists, F, Max, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat, Replace
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from brest_internet.common import clock
from brest_internet.common.errors import Refusal
from neighborhoods.models import Dwelling, Household, Occupancy

from . import rules

ANONYMOUS_TEXT = "[anonymisé]"
# Technical columns the readable export leaves out (the JSON keeps everything).
HIDDEN_IN_READABLE = {"history_id"}

# Free-text fields, on records linked to a household, where staff may have written personal
# details. `tests/test_gdpr.py` fails when a model linked to a household gains a text field
# that is neither listed here nor in NOT_PERSONAL.
PERSONAL_TEXT = {
    "support.HalfDayVisit": ["notes"],
    # Why a sign-up, a visit or an order was cancelled (the kit's cancel_reason) may say why
    # for the household, as a subscription's does.
    "support.Registration": ["cancel_reason"],
    "support.HomeHelpRequest": ["details", "outcome", "cancel_reason"],
    "support.AdviceRequest": ["question", "answer"],
    # Why a household holds a second subsidised computer: often says who in the family.
    "support.ComputerOrder": ["extra_reason", "cancel_reason"],
    "subscriptions.Subscription": ["cancel_reason"],
    # The notices: the address or number a consent was given for, and what was sent (the
    # text names the household's session, visit or order; a provider's error may quote the
    # address).
    "notices.Contact": ["email", "phone"],
    "notices.ConsentEvent": ["address"],
    "notices.Delivery": ["address", "subject", "body", "error"],
}
# Records cleared before the free text is: (which rows, what they become). An anonymised
# household has no contact left, and nothing still waiting to be sent to it.
CLEARED = {
    "notices.Contact": (
        {},
        {"email": "", "phone": "", "email_consent": False, "sms_consent": False},
    ),
    "notices.Delivery": ({"status": "queued"}, {"status": "dropped", "error": ANONYMOUS_TEXT}),
}
# Text fields on those records that describe equipment or the programme, not the person.
NOT_PERSONAL = {
    "subscriptions.Subscription": ["modem_serial"],
    # Which occasion of a record a notice is about (a date), and the provider's message id.
    "notices.Notice": ["occasion"],
    "notices.Delivery": ["provider_id"],
}


class AnonymisationError(Refusal):
    """An anonymisation refused (the household still lives in a dwelling, …)."""


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


@dataclass
class ReadableSection:
    """One kind of record of a household's data, as a person reads it: a title and, per
    record, (label, value) pairs in French."""

    title: str
    records: list[list[tuple[str, str]]]


def _readable(obj, field) -> str:
    if field.choices:
        value = getattr(obj, f"get_{field.name}_display")()
    elif field.is_relation:
        value = getattr(obj, field.name)
    else:
        value = getattr(obj, field.attname)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def household_export_readable(*, household) -> list[ReadableSection]:
    """The same data as `household_export`, for the household to read: French labels (the
    models' own), dates written out, choices by their names. One query per kind of record."""
    fields = ("name", "phone", "email", "created_at", "anonymised_at")
    meta = Household._meta
    sections = [
        ReadableSection(
            str(meta.verbose_name).capitalize(),
            [
                [
                    (
                        str(meta.get_field(name).verbose_name).capitalize(),
                        _readable(household, meta.get_field(name)),
                    )
                    for name in fields
                ]
            ],
        )
    ]
    for model, link in household_links():
        shown = [
            f
            for f in model._meta.concrete_fields
            if f.name != link
            and not f.primary_key
            and f.name not in HIDDEN_IN_READABLE
            # Who on the staff keyed a record is the staff's data, not the household's.
            and not (f.is_relation and f.related_model is get_user_model())
        ]
        related = [f.name for f in shown if f.is_relation]
        rows = model._default_manager.filter(**{link: household}).select_related(*related)
        records = [
            [(str(f.verbose_name).capitalize(), _readable(row, f)) for f in shown]
            for row in rows.order_by("pk")
        ]
        if records:
            title = str(model._meta.verbose_name_plural).capitalize()
            sections.append(ReadableSection(title, records))
    return sections


def household_export_json(*, household):
    return json.dumps(
        household_export(household=household), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )


def _anonymous_name():
    return Concat(Value("Foyer anonymisé n° "), Cast("id", output_field=CharField()))


def households_anonymise(*, households, by):
    """Anonymise a set of households in a few set-based statements; returns how many.

    `by` acts: a coordinator, or the system actor for the daily job and the command."""
    if not rules.can_anonymise(by):
        raise AnonymisationError(_("Seule la coordination peut anonymiser des foyers."))
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
        # The names as they were, to find them where they were written into other text.
        names = list(marked.values_list("pk", "name"))
        marked.update(name=_anonymous_name(), phone="", email="")
        _anonymise_admin_log(ids)
        Household.history.model.objects.filter(id__in=ids).update(name=_anonymous_name())
        for label, (which, values) in CLEARED.items():
            model = apps.get_model(label)
            link = next(f for m, f in household_links() if m is model)
            model._default_manager.filter(**{f"{link}__in": ids}, **which).update(**values)
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
        for pk, name in names:
            _replace_name(pk, name)
    return count


def _id_strings(queryset):
    """The primary keys of `queryset` as text: LogEntry.object_id is a text column."""
    return queryset.annotate(key=Cast("pk", output_field=CharField())).values("key")


def _anonymise_admin_log(ids):
    """The admin's log entries about the households and their records lose the names they
    show (object_repr is the object's str() at the time: "Famille Le Goff", "Résiliation –
    Famille Le Goff")."""
    targets = [(Household, Household.objects.filter(pk__in=ids))]
    for model, link in household_links():
        targets.append((model, model._default_manager.filter(**{f"{link}__in": ids})))
    for model, rows in targets:
        if model is Household:
            label = Concat(Value("Foyer anonymisé n° "), F("object_id"))
        else:
            label = Value(f"{model._meta.verbose_name} {ANONYMOUS_TEXT}")
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=_id_strings(rows),
        ).update(object_repr=label)


def _replace_name(pk: int, name: str) -> None:
    """Replace the household's former name wherever the software wrote it into a trace: the
    admin's log messages and the reasons kept in the history of its records and dwellings."""
    if len(name.strip()) < 3:
        return  # too short to replace safely inside other words
    anonymous = f"Foyer anonymisé n° {pk}"

    def scrub(queryset, *fields, forms=(name,)):
        found = Q()
        for field in fields:
            for form in forms:
                found |= Q(**{f"{field}__contains": form})
        replaced = {}
        for field in fields:
            value = F(field)
            for form in forms:
                value = Replace(value, Value(form), Value(anonymous))
            replaced[field] = value
        queryset.filter(found).update(**replaced)

    # The admin writes its change messages as JSON with accents escaped ("Qu\u00e9m\u00e9ner").
    escaped = json.dumps(name)[1:-1]
    scrub(
        LogEntry.objects.all(),
        "object_repr",
        "change_message",
        forms=(name,) if escaped == name else (name, escaped),
    )
    for model, link in [(Household, "id"), *household_links()]:
        historical = getattr(model, "history", None)
        if historical is None:
            continue
        key = "id" if model is Household else f"{link}_id"
        scrub(historical.model.objects.filter(**{key: pk}), "history_change_reason")
    dwellings = Occupancy.objects.filter(household_id=pk).values("dwelling_id")
    scrub(Dwelling.history.model.objects.filter(id__in=dwellings), "history_change_reason")


def household_anonymise(*, household, by):
    """Anonymise one household (a no-op when already done)."""
    if household.anonymised_at is not None:
        raise AnonymisationError(_("Ce foyer est déjà anonymisé."))
    return households_anonymise(households=Household.objects.filter(pk=household.pk), by=by)


def departed_households(*, months=None, today=None):
    """Households gone (every occupancy ended) for longer than the retention period."""
    months = settings.GDPR_RETENTION_MONTHS if months is None else months
    today = today or clock.today()
    limit = today - datetime.timedelta(days=round(months * 30.44))
    # NOT EXISTS, not NOT IN: PostgreSQL turns it into an anti-join. Written as NOT IN
    # (`exclude(id__in=…)`), the million households' ids of the subquery did not fit in
    # work_mem, and the daily job's count rescanned it for every household (still running
    # after twelve minutes at 1 000 000 dwellings, the load test's worker beside it).
    still_living = Occupancy.objects.filter(household=OuterRef("pk"), moved_out__isnull=True)
    return (
        Household.objects.filter(anonymised_at__isnull=True)
        .exclude(Exists(still_living))
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
