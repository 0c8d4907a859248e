"""After anonymisation, a household's name is found nowhere: not in the admin's log, not in any
history table, not in a reason typed into a correction (issue 13, section 6)."""

import datetime
import json

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.db import connection, models

from brest_internet.programme import gdpr
from neighborhoods import moves
from neighborhoods.models import Household, User
from support.models import AdviceRequest

pytestmark = pytest.mark.django_db

NAME = "Famille Quéméner-Zyx"
PHONE = "06 99 88 77 66"
EMAIL = "quemener.zyx@example.org"


def tables_holding(*needles):
    """Every (model, field) of every table whose text holds one of `needles`, as written or
    escaped as JSON writes it (the admin's change messages)."""
    needles = {form for needle in needles for form in (needle, json.dumps(needle)[1:-1])}
    found = []
    # The job queue's tables exist on PostgreSQL only (Procrastinate's migrations run there).
    present = set(connection.introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table not in present:
            continue
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        for field in fields:
            for needle in needles:
                lookup = (
                    {f"{field.attname}__icontains": needle}
                    if not isinstance(field, models.JSONField)
                    else None
                )
                if lookup is None:
                    values = model._default_manager.values_list(field.attname, flat=True)
                    if any(needle in str(v) for v in values):
                        found.append(f"{model._meta.label}.{field.name}")
                elif model._default_manager.filter(**lookup).exists():
                    found.append(f"{model._meta.label}.{field.name}")
    return sorted(set(found))


@pytest.fixture
def traced(world, coordinator):
    """A household written into every kind of trace the software keeps."""
    dwelling = world.dwellings[1]
    occupancy, _ = moves.household_move_in(
        dwelling=dwelling,
        name=NAME,
        moved_in=datetime.date(2020, 3, 1),
        by=coordinator,
        phone=PHONE,
        email=EMAIL,
    )
    household = occupancy.household
    moves.occupancy_correct(
        occupancy=occupancy,
        moved_in=datetime.date(2020, 2, 1),
        moved_out=None,
        reason=f"{NAME} est arrivée un mois plus tôt",
        by=coordinator,
    )
    advice = AdviceRequest.objects.create(
        household=household,
        neighbourhood=world.nbh,
        association=world.orgs.association,
        topic=AdviceRequest.Topic.CANCELLATION,
        question=f"{NAME} ({PHONE}) veut résilier",
    )
    # What the admin writes when a coordinator changes the household and adds a request inline.
    LogEntry.objects.log_actions(
        coordinator.pk, [household], CHANGE, change_message=[{"changed": {"fields": ["Nom"]}}]
    )
    LogEntry.objects.log_actions(
        coordinator.pk,
        [household],
        CHANGE,
        change_message=[{"added": {"name": "demande de conseil", "object": str(advice)}}],
    )
    LogEntry.objects.log_actions(coordinator.pk, [advice], ADDITION, change_message="")
    assert tables_holding(NAME)  # the traces exist before
    return household


def test_the_name_phone_and_email_are_in_no_table_after_anonymisation(traced):
    gdpr.household_anonymise(household=traced, by=User.objects.system())
    assert tables_holding(NAME, PHONE, EMAIL) == []


def test_the_admin_log_still_says_what_was_done_to_which_record(traced, coordinator):
    gdpr.household_anonymise(household=traced, by=User.objects.system())
    entries = LogEntry.objects.filter(object_id=str(traced.pk)).order_by("pk")
    assert [e.object_repr for e in entries] == [f"Foyer anonymisé n° {traced.pk}"] * 2
    assert all(e.user_id == coordinator.pk for e in entries)
    assert "Nom" in entries[0].get_change_message()


def test_the_reason_of_a_correction_keeps_its_sense_without_the_name(traced):
    gdpr.household_anonymise(household=traced, by=User.objects.system())
    reasons = set(
        apps.get_model("neighborhoods", "HistoricalOccupancy")
        .objects.filter(household_id=traced.pk)
        .values_list("history_change_reason", flat=True)
    )
    assert f"Correction : Foyer anonymisé n° {traced.pk} est arrivée un mois plus tôt" in reasons


def test_another_households_traces_are_left_alone(traced, world, coordinator):
    LogEntry.objects.log_actions(coordinator.pk, [world.household], CHANGE, change_message="")
    gdpr.household_anonymise(household=traced, by=User.objects.system())
    assert LogEntry.objects.filter(object_repr="Famille Le Goff").exists()
    assert Household.objects.get(pk=world.household.pk).name == "Famille Le Goff"
