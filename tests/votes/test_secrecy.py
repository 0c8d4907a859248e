"""The secret ballot, checked on the schema: nothing links what was voted to who voted.

If a field is added to a ballot or a tally that could point at a dwelling, a household, the
sign-in list, a code or a voter, or give a precise time, this test fails.
"""

from django.apps import apps
from django.db import models

from neighborhoods.models import Dwelling, Household, Occupancy, User
from votes.models import (
    CodeReissue,
    CountEntry,
    OnlineTally,
    PaperCount,
    Participation,
    RollEntry,
    Vote,
    VoteCode,
)

BALLOT_SIDE = {OnlineTally, PaperCount, CountEntry}
IDENTITY_SIDE = {
    Dwelling,
    Household,
    Occupancy,
    RollEntry,
    Participation,
    VoteCode,
    CodeReissue,
}


def relations(model):
    return [f for f in model._meta.get_fields() if f.is_relation]


def test_the_online_box_holds_only_counters_per_choice():
    fields = {f.name for f in OnlineTally._meta.get_fields()}
    assert fields == {"id", "vote", "choice", "ballots"}
    assert not any(m.__name__ == "OnlineBallot" for m in apps.get_models())


def test_the_online_box_has_no_time_and_no_user():
    for field in OnlineTally._meta.get_fields():
        assert not isinstance(field, models.DateField | models.DateTimeField | models.TimeField)
        assert getattr(field, "related_model", None) is not User, field.name


def test_the_online_box_codes_and_sign_ins_have_no_history_table():
    names = {m.__name__ for m in apps.get_models()}
    for model in (OnlineTally, VoteCode, Participation, RollEntry):
        assert not hasattr(model, "history"), model.__name__
        assert f"Historical{model.__name__}" not in names


def test_no_relation_between_the_ballot_side_and_the_identity_side():
    for model in BALLOT_SIDE:
        for field in relations(model):
            assert field.related_model not in IDENTITY_SIDE, f"{model.__name__}.{field.name}"
    for model in IDENTITY_SIDE:
        for field in relations(model):
            assert field.related_model not in BALLOT_SIDE, f"{model.__name__}.{field.name}"


def test_tallies_point_only_at_the_vote_and_at_the_counting_staff():
    allowed = {
        PaperCount: {"vote": Vote, "entered_by": User, "confirmed_by": User, "log": CountEntry},
        CountEntry: {"count": PaperCount, "entered_by": User},
        OnlineTally: {"vote": Vote},
    }
    for model, expected in allowed.items():
        found = {f.name: f.related_model for f in relations(model)}
        assert found == expected, model.__name__


def test_no_other_model_of_any_app_points_at_a_ballot():
    for model in apps.get_models():
        if model in BALLOT_SIDE:
            continue
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is OnlineTally:
                raise AssertionError(f"{model.__name__}.{field.name} points at a ballot")


def test_codes_carry_no_plain_code_and_no_time_of_use():
    fields = {f.name for f in VoteCode._meta.get_fields()}
    assert fields == {"id", "vote", "roll_entry", "code_hash", "spent", "voided"}
    assert isinstance(VoteCode._meta.get_field("spent"), models.BooleanField)
    assert isinstance(VoteCode._meta.get_field("voided"), models.BooleanField)
