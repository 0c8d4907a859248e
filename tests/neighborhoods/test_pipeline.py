"""Every transition of the pipeline, allowed and refused, and the history rows it writes."""

import datetime
from types import SimpleNamespace

import pytest

from neighborhoods import pipeline
from neighborhoods.models import Meeting, Neighbourhood, StageChange, User
from neighborhoods.pipeline import TransitionError
from tests import factories as f

Stage = Neighbourhood.Stage
D = datetime.date


def vote(certified=True, adopted=True, nbh=None):
    """A stand-in for votes.Vote: all the pipeline reads of it."""
    fake = SimpleNamespace(is_certified=certified, adopted=adopted)
    if nbh is not None:
        fake.neighbourhood_id = nbh.pk
    fake.__str__ = lambda self=fake: "vote"
    return fake


@pytest.fixture
def nbh(db):
    return f.NeighbourhoodFactory(stage=Stage.CANDIDATE)


def at(nbh, stage):
    """Walk `nbh` forward to `stage` through the transition functions, with dated meetings."""
    path = [Stage.PARTNERS, Stage.INFORMATION, Stage.VOTE, Stage.LAUNCH, Stage.RUNNING]
    dates = {
        Stage.PARTNERS: D(2013, 3, 1),
        Stage.INFORMATION: D(2013, 4, 1),
        Stage.VOTE: D(2013, 6, 1),
        Stage.LAUNCH: D(2013, 7, 1),
        Stage.RUNNING: D(2013, 9, 1),
    }
    for step in path:
        if step == Stage.INFORMATION:
            f.MeetingFactory(
                neighbourhood=nbh,
                kind=Meeting.Kind.PARTNERS,
                decision=Meeting.Decision.VALIDATED,
                held_on=D(2013, 3, 15),
            )
        if step == Stage.VOTE:
            f.MeetingFactory(neighbourhood=nbh, kind=Meeting.Kind.PUBLIC, held_on=D(2013, 5, 1))
        if step == Stage.LAUNCH:
            pipeline.record_vote_outcome(nbh, vote=vote(), by=User.objects.system(), on=dates[step])
        else:
            pipeline.advance(nbh, to_stage=step, by=User.objects.system(), on=dates[step])
        if step == stage:
            break
    nbh.refresh_from_db()
    assert nbh.stage == stage
    return nbh


def stages(nbh):
    return list(nbh.stage_changes.values_list("from_stage", "to_stage"))


# Forward -----------------------------------------------------------------------------------


def test_create_candidate_writes_the_first_history_row(db, coordinator, orgs):
    nbh = pipeline.create_candidate(
        by=coordinator, on=D(2013, 1, 1), name="Pen ar Creac'h", slug="pen", landlord=orgs.landlord
    )
    assert nbh.stage == Stage.CANDIDATE
    change = nbh.stage_changes.get()
    assert (change.from_stage, change.to_stage, change.recorded_by) == (
        "",
        "candidate",
        coordinator,
    )


def test_the_whole_pipeline_writes_one_history_row_per_step(nbh, coordinator):
    at(nbh, Stage.RUNNING)
    assert stages(nbh) == [
        ("", "candidate"),
        ("candidate", "partners"),
        ("partners", "information"),
        ("information", "vote"),
        ("vote", "launch"),
        ("launch", "running"),
    ]
    assert nbh.launched_on == D(2013, 9, 1)


def test_advance_records_who_when_and_the_note(nbh, coordinator):
    pipeline.advance(
        nbh, to_stage=Stage.PARTNERS, by=coordinator, on=D(2013, 2, 1), note="Rencontre fixée"
    )
    change = nbh.stage_changes.last()
    assert change.recorded_by == coordinator
    assert change.happened_on == D(2013, 2, 1)
    assert change.note == "Rencontre fixée"


def test_advancing_to_the_current_stage_is_a_no_op(nbh):
    at(nbh, Stage.PARTNERS)
    pipeline.advance(nbh, to_stage=Stage.PARTNERS, by=User.objects.system(), on=D(2013, 3, 2))
    assert nbh.stage_changes.count() == 2


@pytest.mark.parametrize(
    "start, to_stage",
    [
        (Stage.CANDIDATE, Stage.INFORMATION),  # skipping a step
        (Stage.CANDIDATE, Stage.VOTE),
        (Stage.PARTNERS, Stage.VOTE),
        (Stage.INFORMATION, Stage.LAUNCH),
        (Stage.VOTE, Stage.LAUNCH),  # launch only through a certified adopted vote
        (Stage.VOTE, Stage.RUNNING),
        (Stage.INFORMATION, Stage.PARTNERS),  # going back
        (Stage.RUNNING, Stage.CANDIDATE),
        (Stage.CANDIDATE, Stage.DECLINED),  # a stop through advance
    ],
)
def test_illegal_forward_steps_are_refused(nbh, start, to_stage):
    at(nbh, start) if start != Stage.CANDIDATE else None
    before = stages(nbh)
    with pytest.raises(TransitionError, match="Impossible de passer"):
        pipeline.advance(nbh, to_stage=to_stage, by=User.objects.system(), on=D(2014, 1, 1))
    nbh.refresh_from_db()
    assert nbh.stage == start
    assert stages(nbh) == before


def test_information_needs_a_validating_partner_meeting(nbh):
    pipeline.advance(nbh, to_stage=Stage.PARTNERS, by=User.objects.system(), on=D(2013, 3, 1))
    f.MeetingFactory(
        neighbourhood=nbh,
        kind=Meeting.Kind.PARTNERS,
        decision=Meeting.Decision.PENDING,
        held_on=D(2013, 3, 15),
    )
    with pytest.raises(TransitionError, match="rencontre des partenaires"):
        pipeline.advance(
            nbh, to_stage=Stage.INFORMATION, by=User.objects.system(), on=D(2013, 4, 1)
        )
    assert pipeline.missing_for(nbh, Stage.INFORMATION, D(2013, 4, 1))


def test_a_partner_meeting_after_the_step_date_does_not_count(nbh):
    pipeline.advance(nbh, to_stage=Stage.PARTNERS, by=User.objects.system(), on=D(2013, 3, 1))
    f.MeetingFactory(
        neighbourhood=nbh,
        kind=Meeting.Kind.PARTNERS,
        decision=Meeting.Decision.VALIDATED,
        held_on=D(2013, 5, 1),
    )
    with pytest.raises(TransitionError):
        pipeline.advance(
            nbh, to_stage=Stage.INFORMATION, by=User.objects.system(), on=D(2013, 4, 1)
        )
    pipeline.advance(nbh, to_stage=Stage.INFORMATION, by=User.objects.system(), on=D(2013, 5, 2))


def test_no_vote_before_the_public_meeting(nbh):
    at(nbh, Stage.INFORMATION)
    with pytest.raises(TransitionError, match="réunion publique"):
        pipeline.advance(nbh, to_stage=Stage.VOTE, by=User.objects.system(), on=D(2013, 6, 1))
    f.MeetingFactory(neighbourhood=nbh, kind=Meeting.Kind.PUBLIC, held_on=D(2013, 7, 1))
    with pytest.raises(TransitionError, match="réunion publique"):
        pipeline.advance(nbh, to_stage=Stage.VOTE, by=User.objects.system(), on=D(2013, 6, 1))
    pipeline.advance(nbh, to_stage=Stage.VOTE, by=User.objects.system(), on=D(2013, 7, 2))


def test_a_date_before_the_last_step_is_refused(nbh):
    at(nbh, Stage.PARTNERS)
    with pytest.raises(TransitionError, match="précède la dernière étape"):
        pipeline.advance(
            nbh, to_stage=Stage.INFORMATION, by=User.objects.system(), on=D(2013, 2, 1)
        )
    nbh.refresh_from_db()
    assert nbh.stage == Stage.PARTNERS


def test_service_cannot_start_in_the_future(nbh):
    at(nbh, Stage.LAUNCH)
    with pytest.raises(TransitionError, match="dans le futur"):
        pipeline.advance(nbh, to_stage=Stage.RUNNING, by=User.objects.system(), on=D(2999, 1, 1))


# The vote ----------------------------------------------------------------------------------


def test_a_certified_adopted_vote_launches(nbh):
    at(nbh, Stage.VOTE)
    pipeline.record_vote_outcome(
        nbh, vote=vote(nbh=nbh), by=User.objects.system(), on=D(2013, 7, 1)
    )
    nbh.refresh_from_db()
    assert nbh.stage == Stage.LAUNCH
    assert stages(nbh)[-1] == ("vote", "launch")


def test_a_certified_rejected_vote_stops(nbh):
    at(nbh, Stage.VOTE)
    pipeline.record_vote_outcome(
        nbh, vote=vote(adopted=False), by=User.objects.system(), on=D(2013, 7, 1)
    )
    nbh.refresh_from_db()
    assert nbh.stage == Stage.REJECTED


def test_no_launch_without_a_certified_vote(nbh):
    at(nbh, Stage.VOTE)
    with pytest.raises(TransitionError, match="pas certifié"):
        pipeline.record_vote_outcome(
            nbh, vote=vote(certified=False), by=User.objects.system(), on=D(2013, 7, 1)
        )
    with pytest.raises(TransitionError, match="pas certifié"):
        pipeline.record_vote_outcome(nbh, vote=object(), by=User.objects.system(), on=D(2013, 7, 1))
    nbh.refresh_from_db()
    assert nbh.stage == Stage.VOTE


def test_a_vote_of_another_neighbourhood_is_refused(nbh):
    at(nbh, Stage.VOTE)
    other = f.NeighbourhoodFactory()
    with pytest.raises(TransitionError, match="autre quartier"):
        pipeline.record_vote_outcome(
            nbh, vote=vote(nbh=other), by=User.objects.system(), on=D(2013, 7, 1)
        )


def test_a_vote_outcome_outside_the_vote_stage_is_refused(nbh):
    at(nbh, Stage.INFORMATION)
    with pytest.raises(TransitionError, match="pas à l'étape du vote"):
        pipeline.record_vote_outcome(nbh, vote=vote(), by=User.objects.system(), on=D(2013, 7, 1))


def test_recording_the_same_outcome_twice_is_a_no_op(nbh):
    at(nbh, Stage.LAUNCH)
    pipeline.record_vote_outcome(nbh, vote=vote(), by=User.objects.system(), on=D(2013, 7, 2))
    assert stages(nbh).count(("vote", "launch")) == 1


def test_a_vote_outcome_dated_before_the_vote_is_refused(nbh):
    at(nbh, Stage.VOTE)
    with pytest.raises(TransitionError, match="précède"):
        pipeline.record_vote_outcome(nbh, vote=vote(), by=User.objects.system(), on=D(2013, 5, 1))


# Stops -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, to_stage",
    [
        (Stage.PARTNERS, Stage.DECLINED),
        (Stage.CANDIDATE, Stage.ABANDONED),
        (Stage.PARTNERS, Stage.ABANDONED),
        (Stage.INFORMATION, Stage.ABANDONED),
        (Stage.VOTE, Stage.ABANDONED),
        (Stage.LAUNCH, Stage.ABANDONED),
        (Stage.RUNNING, Stage.ENDED),
    ],
)
def test_allowed_stops(nbh, coordinator, start, to_stage):
    if start != Stage.CANDIDATE:
        at(nbh, start)
    pipeline.stop(nbh, to_stage=to_stage, by=coordinator, reason="Motif", on=D(2014, 1, 1))
    nbh.refresh_from_db()
    assert nbh.stage == to_stage
    last = nbh.stage_changes.last()
    assert (last.from_stage, last.to_stage, last.note) == (start, to_stage, "Motif")
    if to_stage == Stage.ENDED:
        assert nbh.service_ended_on == D(2014, 1, 1)


@pytest.mark.parametrize(
    "start, to_stage",
    [
        (Stage.CANDIDATE, Stage.DECLINED),
        (Stage.INFORMATION, Stage.DECLINED),
        (Stage.RUNNING, Stage.ABANDONED),
        (Stage.LAUNCH, Stage.ENDED),
        (Stage.VOTE, Stage.ENDED),
    ],
)
def test_stops_from_the_wrong_stage_are_refused(nbh, start, to_stage):
    if start != Stage.CANDIDATE:
        at(nbh, start)
    with pytest.raises(TransitionError, match="Impossible de passer"):
        pipeline.stop(
            nbh, to_stage=to_stage, by=User.objects.system(), reason="Motif", on=D(2014, 1, 1)
        )
    nbh.refresh_from_db()
    assert nbh.stage == start


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_stop_without_reason_is_refused(nbh, reason):
    with pytest.raises(TransitionError, match="motivé"):
        pipeline.stop(nbh, to_stage=Stage.ABANDONED, by=User.objects.system(), reason=reason)
    nbh.refresh_from_db()
    assert nbh.stage == Stage.CANDIDATE


def test_rejection_only_comes_from_the_vote(nbh):
    at(nbh, Stage.VOTE)
    with pytest.raises(TransitionError, match="n'existe pas"):
        pipeline.stop(
            nbh, to_stage=Stage.REJECTED, by=User.objects.system(), reason="Non", on=D(2014, 1, 1)
        )
    with pytest.raises(TransitionError, match="n'existe pas"):
        pipeline.stop(
            nbh, to_stage=Stage.RUNNING, by=User.objects.system(), reason="Non", on=D(2014, 1, 1)
        )


def test_service_ends_only_after_its_launch(nbh):
    at(nbh, Stage.RUNNING)
    with pytest.raises(TransitionError):
        pipeline.stop(
            nbh, to_stage=Stage.ENDED, by=User.objects.system(), reason="Fin", on=D(2013, 9, 1)
        )


def test_stopping_twice_is_a_no_op(nbh):
    pipeline.stop(
        nbh, to_stage=Stage.ABANDONED, by=User.objects.system(), reason="Motif", on=D(2014, 1, 1)
    )
    pipeline.stop(
        nbh, to_stage=Stage.ABANDONED, by=User.objects.system(), reason="Motif", on=D(2014, 1, 2)
    )
    assert stages(nbh).count(("candidate", "abandoned")) == 1


# Reopening ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, stop_to, back_to",
    [
        (Stage.PARTNERS, Stage.DECLINED, Stage.PARTNERS),
        (Stage.INFORMATION, Stage.ABANDONED, Stage.INFORMATION),
        (Stage.CANDIDATE, Stage.ABANDONED, Stage.CANDIDATE),
        (Stage.RUNNING, Stage.ENDED, Stage.LAUNCH),
    ],
)
def test_reopen_goes_back_to_the_right_stage(nbh, coordinator, start, stop_to, back_to):
    if start != Stage.CANDIDATE:
        at(nbh, start)
    pipeline.stop(nbh, to_stage=stop_to, by=coordinator, reason="Arrêt", on=D(2014, 1, 1))
    pipeline.reopen(nbh, by=coordinator, reason="Nouvelle équipe", on=D(2014, 2, 1))
    nbh.refresh_from_db()
    assert nbh.stage == back_to
    last = nbh.stage_changes.last()
    assert (last.from_stage, last.to_stage, last.note) == (stop_to, back_to, "Nouvelle équipe")


def test_reopen_after_a_rejected_vote_goes_back_to_information(nbh, coordinator):
    at(nbh, Stage.VOTE)
    pipeline.record_vote_outcome(
        nbh, vote=vote(adopted=False), by=User.objects.system(), on=D(2013, 7, 1)
    )
    pipeline.reopen(nbh, by=coordinator, reason="Nouveau vote", on=D(2014, 1, 1))
    nbh.refresh_from_db()
    assert nbh.stage == Stage.INFORMATION


def test_reopen_by_a_non_coordinator_is_refused(nbh, landlord_user):
    pipeline.stop(
        nbh, to_stage=Stage.ABANDONED, by=User.objects.system(), reason="Motif", on=D(2014, 1, 1)
    )
    with pytest.raises(TransitionError, match="Seule la coordination"):
        pipeline.reopen(nbh, by=landlord_user, reason="Je veux", on=D(2014, 2, 1))
    nbh.refresh_from_db()
    assert nbh.stage == Stage.ABANDONED


def test_reopen_without_reason_is_refused(nbh, coordinator):
    pipeline.stop(
        nbh, to_stage=Stage.ABANDONED, by=User.objects.system(), reason="Motif", on=D(2014, 1, 1)
    )
    with pytest.raises(TransitionError, match="motivée"):
        pipeline.reopen(nbh, by=coordinator, reason=" ", on=D(2014, 2, 1))


def test_reopen_a_running_neighbourhood_is_refused(nbh, coordinator):
    with pytest.raises(TransitionError, match="n'est pas arrêté"):
        pipeline.reopen(nbh, by=coordinator, reason="Motif")


def test_reopen_dated_before_the_stop_is_refused(nbh, coordinator):
    pipeline.stop(
        nbh, to_stage=Stage.ABANDONED, by=User.objects.system(), reason="Motif", on=D(2014, 1, 1)
    )
    with pytest.raises(TransitionError, match="précède"):
        pipeline.reopen(nbh, by=coordinator, reason="Motif", on=D(2013, 12, 1))


# Two coordinators at once ------------------------------------------------------------------


def test_a_stale_page_is_refused_with_a_clear_message(nbh, coordinator):
    """Both saw the neighbourhood as a candidate; the first one stops it, the second advances."""
    first = Neighbourhood.objects.get(pk=nbh.pk)
    second = Neighbourhood.objects.get(pk=nbh.pk)
    pipeline.stop(
        first,
        to_stage=Stage.ABANDONED,
        by=coordinator,
        reason="Motif",
        expected_stage=Stage.CANDIDATE,
    )
    with pytest.raises(TransitionError, match="entre-temps"):
        pipeline.advance(
            second, to_stage=Stage.PARTNERS, by=coordinator, expected_stage=Stage.CANDIDATE
        )
    nbh.refresh_from_db()
    assert nbh.stage == Stage.ABANDONED
    assert StageChange.objects.filter(neighbourhood=nbh).count() == 2


def test_the_same_click_twice_is_a_no_op(nbh, coordinator):
    first = Neighbourhood.objects.get(pk=nbh.pk)
    second = Neighbourhood.objects.get(pk=nbh.pk)
    for copy in (first, second):
        pipeline.advance(
            copy, to_stage=Stage.PARTNERS, by=coordinator, expected_stage=Stage.CANDIDATE
        )
    assert stages(nbh) == [("", "candidate"), ("candidate", "partners")]


# History is append-only --------------------------------------------------------------------


def test_history_rows_cannot_be_changed_or_deleted(nbh):
    change = nbh.stage_changes.get()
    change.note = "réécrit"
    with pytest.raises(ValueError):
        change.save()
    with pytest.raises(ValueError):
        change.delete()


def test_next_step_says_what_is_missing(nbh):
    step = pipeline.next_step(nbh)
    assert step.to_stage == Stage.PARTNERS and not step.missing
    at(nbh, Stage.PARTNERS)
    step = pipeline.next_step(nbh)
    assert step.to_stage == Stage.INFORMATION
    assert step.missing == ["une rencontre des partenaires qui valide le projet"]
    at(nbh, Stage.VOTE)
    step = pipeline.next_step(nbh)
    assert step.to_stage is None and step.missing
    pipeline.stop(
        nbh, to_stage=Stage.ABANDONED, by=User.objects.system(), reason="Motif", on=D(2014, 1, 1)
    )
    nbh.refresh_from_db()
    assert pipeline.next_step(nbh) is None


def test_a_review_is_due_a_year_after_launch_then_after_the_last_review(nbh, settings):
    settings.REVIEW_DUE_MONTHS = 12
    at(nbh, Stage.RUNNING)  # launched on 2013-09-01
    assert nbh.review_due_on() == D(2014, 9, 1)
    assert pipeline.next_step(nbh, D(2014, 1, 1)).missing == []
    step = pipeline.next_step(nbh, D(2014, 9, 2))
    assert step.label == "Bilan à faire (attendu depuis le 01/09/2014)"
    f.MeetingFactory(neighbourhood=nbh, kind=Meeting.Kind.REVIEW, held_on=D(2014, 9, 10))
    assert nbh.review_due_on() == D(2015, 9, 10)
    assert pipeline.next_step(nbh, D(2014, 9, 11)).missing == []
