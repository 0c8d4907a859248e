"""Ordinary mistakes of the pipeline can be corrected, with their history: a stage is never dated
in the future, and a coordinator corrects the date of a stage or of a meeting with a reason."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from neighborhoods import pipeline
from neighborhoods.models import DateCorrection, Meeting, Neighbourhood, StageChange, User
from neighborhoods.pipeline import TransitionError
from tests import factories as f

from .test_pipeline import at, vote

Stage = Neighbourhood.Stage
D = datetime.date


@pytest.fixture
def nbh(db):
    return f.NeighbourhoodFactory(stage=Stage.CANDIDATE)


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


# --- No stage in the future ---------------------------------------------------------------------


def test_a_stage_dated_in_the_future_is_refused(nbh):
    with pytest.raises(TransitionError, match="est dans le futur"):
        pipeline.advance(nbh, to_stage=Stage.PARTNERS, by=User.objects.system(), on=D(2031, 1, 1))
    nbh.refresh_from_db()
    assert nbh.stage == Stage.CANDIDATE
    assert nbh.stage_changes.count() == 1


def test_no_transition_takes_a_date_in_the_future(nbh, coordinator):
    with pytest.raises(TransitionError, match="est dans le futur"):
        pipeline.stop(
            nbh, to_stage=Stage.ABANDONED, by=User.objects.system(), reason="Essai", on=tomorrow()
        )
    pipeline.stop(
        nbh, to_stage=Stage.ABANDONED, by=User.objects.system(), reason="Le bailleur renonce"
    )
    with pytest.raises(TransitionError, match="est dans le futur"):
        pipeline.reopen(nbh, by=coordinator, reason="Nouvelle équipe", on=tomorrow())
    nbh = at(f.NeighbourhoodFactory(stage=Stage.CANDIDATE), Stage.VOTE)
    with pytest.raises(TransitionError, match="est dans le futur"):
        pipeline.record_vote_outcome(nbh, vote=vote(), by=User.objects.system(), on=tomorrow())
    with pytest.raises(TransitionError, match="est dans le futur"):
        pipeline.start_history(nbh, by=User.objects.system(), on=tomorrow())


def test_the_page_refuses_a_stage_in_2031_with_a_message(world, coordinator, client_for):
    response = client_for(coordinator).post(
        reverse("neighborhoods:advance", args=[world.nbh.slug]),
        {"to_stage": "partners", "expected_stage": "candidate", "on": "2031-01-01"},
    )
    assert response.status_code == 400
    assert "La date (01/01/2031) est dans le futur" in response.content.decode()
    world.nbh.refresh_from_db()
    assert world.nbh.stage == Stage.CANDIDATE


# --- Correcting a stage's date ------------------------------------------------------------------


def test_a_stage_recorded_in_the_future_is_corrected_and_the_vote_can_then_be_certified(
    coordinator,
):
    """The mistake of the past (a stage dated 01/01/2031 was accepted) blocked every later step,
    the certification of the vote included; the correction repairs it, and says so."""
    nbh = at(f.NeighbourhoodFactory(stage=Stage.CANDIDATE), Stage.VOTE)
    wrong = nbh.stage_changes.get(to_stage=Stage.VOTE)
    StageChange.objects.filter(pk=wrong.pk).update(happened_on=D(2031, 1, 1))
    with pytest.raises(TransitionError, match="précède la dernière étape"):
        pipeline.record_vote_outcome(nbh, vote=vote(), by=User.objects.system())

    assert pipeline.stage_date_correct(
        stage_change=wrong, on=D(2013, 6, 1), reason="Faute de frappe sur l'année", by=coordinator
    )
    wrong.refresh_from_db()
    assert wrong.happened_on == D(2013, 6, 1)
    correction = DateCorrection.objects.get()
    assert (correction.old_date, correction.new_date) == (D(2031, 1, 1), D(2013, 6, 1))
    assert correction.stage_change == wrong
    assert correction.reason == "Faute de frappe sur l'année"
    assert correction.recorded_by == coordinator
    pipeline.record_vote_outcome(nbh, vote=vote(), by=User.objects.system())
    nbh.refresh_from_db()
    assert nbh.stage == Stage.LAUNCH


def test_the_same_date_again_is_a_no_op(nbh, coordinator):
    change = nbh.stage_changes.get()
    assert not pipeline.stage_date_correct(
        stage_change=change, on=change.happened_on, reason="Rien", by=coordinator
    )
    assert not DateCorrection.objects.exists()


def test_a_stage_correction_needs_a_reason_and_a_coordinator(nbh, coordinator, landlord_user):
    change = nbh.stage_changes.get()
    with pytest.raises(TransitionError, match="doit être motivée"):
        pipeline.stage_date_correct(
            stage_change=change, on=D(2012, 1, 1), reason=" ", by=coordinator
        )
    with pytest.raises(TransitionError, match="Seule la coordination"):
        pipeline.stage_date_correct(
            stage_change=change, on=D(2012, 1, 1), reason="Erreur", by=landlord_user
        )
    assert not DateCorrection.objects.exists()


def test_a_corrected_stage_stays_between_its_neighbours_and_after_its_meeting(coordinator):
    nbh = at(f.NeighbourhoodFactory(stage=Stage.CANDIDATE), Stage.VOTE)
    information = nbh.stage_changes.get(to_stage=Stage.INFORMATION)  # 01/04/2013
    # The partners' meeting that validated the project was held on 15/03/2013.
    with pytest.raises(TransitionError, match="une rencontre des partenaires qui valide"):
        pipeline.stage_date_correct(
            stage_change=information, on=D(2013, 3, 10), reason="Erreur", by=coordinator
        )
    with pytest.raises(TransitionError, match="précède l'étape précédente"):
        pipeline.stage_date_correct(
            stage_change=information, on=D(2013, 2, 1), reason="Erreur", by=coordinator
        )
    with pytest.raises(TransitionError, match="suit l'étape suivante"):
        pipeline.stage_date_correct(
            stage_change=information, on=D(2013, 7, 1), reason="Erreur", by=coordinator
        )
    with pytest.raises(TransitionError, match="est dans le futur"):
        pipeline.stage_date_correct(
            stage_change=information, on=tomorrow(), reason="Erreur", by=coordinator
        )
    information.refresh_from_db()
    assert information.happened_on == D(2013, 4, 1)
    assert pipeline.stage_date_correct(
        stage_change=information, on=D(2013, 3, 20), reason="Date de la lettre", by=coordinator
    )


def test_the_launch_into_service_is_not_corrected_here(coordinator):
    nbh = at(f.NeighbourhoodFactory(stage=Stage.CANDIDATE), Stage.RUNNING)
    running = nbh.stage_changes.get(to_stage=Stage.RUNNING)
    with pytest.raises(TransitionError, match="charges mensuelles"):
        pipeline.stage_date_correct(
            stage_change=running, on=D(2013, 8, 1), reason="Erreur", by=coordinator
        )
    launch = nbh.stage_changes.get(to_stage=Stage.LAUNCH)
    with pytest.raises(TransitionError, match="certification du vote"):
        pipeline.stage_date_correct(
            stage_change=launch, on=D(2013, 6, 20), reason="Erreur", by=coordinator
        )


# --- Correcting a meeting's date ----------------------------------------------------------------


def test_a_meeting_that_justified_a_stage_cannot_move_after_it(coordinator):
    nbh = at(f.NeighbourhoodFactory(stage=Stage.CANDIDATE), Stage.VOTE)
    partners = nbh.meetings.get(kind=Meeting.Kind.PARTNERS)  # 15/03, information on 01/04
    public = nbh.meetings.get(kind=Meeting.Kind.PUBLIC)  # 01/05, vote on 01/06
    with pytest.raises(TransitionError, match="justifie l'étape « Information"):
        pipeline.meeting_date_correct(
            meeting=partners, on=D(2013, 4, 2), reason="Erreur", by=coordinator
        )
    with pytest.raises(TransitionError, match="justifie l'étape « Vote des locataires »"):
        pipeline.meeting_date_correct(
            meeting=public, on=D(2013, 6, 2), reason="Erreur", by=coordinator
        )
    partners.refresh_from_db()
    assert partners.held_on == D(2013, 3, 15)
    assert not DateCorrection.objects.exists()
    # Earlier, or later but still before the stage: accepted, and kept in the history.
    assert pipeline.meeting_date_correct(
        meeting=public, on=D(2013, 5, 31), reason="Date du compte rendu", by=coordinator
    )
    public.refresh_from_db()
    assert public.held_on == D(2013, 5, 31)
    correction = DateCorrection.objects.get()
    assert (correction.meeting, correction.old_date, correction.new_date) == (
        public,
        D(2013, 5, 1),
        D(2013, 5, 31),
    )
    assert public.history.first().history_change_reason == "Date du compte rendu"


def test_another_meeting_can_justify_the_stage(coordinator):
    nbh = at(f.NeighbourhoodFactory(stage=Stage.CANDIDATE), Stage.VOTE)
    public = nbh.meetings.get(kind=Meeting.Kind.PUBLIC)
    f.MeetingFactory(neighbourhood=nbh, kind=Meeting.Kind.PUBLIC, held_on=D(2013, 5, 20))
    assert pipeline.meeting_date_correct(
        meeting=public, on=D(2013, 6, 10), reason="Seconde réunion", by=coordinator
    )


def test_the_meeting_form_cannot_unmake_a_justifying_meeting(coordinator, client_for):
    nbh = at(f.NeighbourhoodFactory(stage=Stage.CANDIDATE), Stage.INFORMATION)
    partners = nbh.meetings.get(kind=Meeting.Kind.PARTNERS)
    response = client_for(coordinator).post(
        reverse("neighborhoods:meeting_edit", args=[nbh.slug, partners.pk]),
        {"kind": "partners", "held_on": "2013-03-15", "decision": "declined"},
    )
    assert response.status_code == 400
    assert "justifie l&#x27;étape" in response.content.decode()
    partners.refresh_from_db()
    assert partners.decision == Meeting.Decision.VALIDATED


def test_the_meeting_form_does_not_overwrite_a_recorded_date(coordinator, client_for, world):
    meeting = f.MeetingFactory(neighbourhood=world.nbh, kind=Meeting.Kind.PUBLIC)
    response = client_for(coordinator).post(
        reverse("neighborhoods:meeting_edit", args=[world.nbh.slug, meeting.pk]),
        {"kind": "public", "held_on": "2013-12-24", "place": "Salle polyvalente"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Salle polyvalente"
    assert meeting.held_on == D(2013, 10, 1)


def test_a_meeting_to_come_carries_no_decision(world, coordinator, client_for):
    response = client_for(coordinator).post(
        reverse("neighborhoods:meeting_create", args=[world.nbh.slug]),
        {"kind": "partners", "held_on": tomorrow().isoformat(), "decision": "validated"},
    )
    assert response.status_code == 400
    assert "ne porte pas encore de décision" in response.content.decode()
    assert not world.nbh.meetings.exists()
    # Planned, pending: accepted.
    response = client_for(coordinator).post(
        reverse("neighborhoods:meeting_create", args=[world.nbh.slug]),
        {"kind": "partners", "held_on": tomorrow().isoformat(), "decision": "pending"},
    )
    assert response.status_code == 302


def test_a_half_day_with_records_keeps_its_date(coordinator, world):
    from support.models import HalfDayVisit

    half_day = f.MeetingFactory(neighbourhood=world.nbh, kind=Meeting.Kind.LAUNCH)
    HalfDayVisit.objects.create(half_day=half_day, household=world.household)
    with pytest.raises(TransitionError, match="portent sa date"):
        pipeline.meeting_date_correct(
            meeting=half_day, on=D(2013, 10, 2), reason="Erreur", by=coordinator
        )


def test_date_corrections_are_append_only(nbh, coordinator):
    change = nbh.stage_changes.get()
    pipeline.stage_date_correct(
        stage_change=change, on=D(2012, 12, 1), reason="Erreur", by=coordinator
    )
    correction = DateCorrection.objects.get()
    with pytest.raises(ValueError, match="append-only"):
        correction.save()
    with pytest.raises(ValueError, match="append-only"):
        correction.delete()


def test_a_correction_row_names_one_thing_and_changes_the_date(nbh):
    from django.db import IntegrityError, transaction

    change = nbh.stage_changes.get()
    meeting = f.MeetingFactory(neighbourhood=nbh)
    for fields in (
        {"stage_change": change, "meeting": meeting, "new_date": D(2012, 1, 1)},
        {"stage_change": None, "meeting": None, "new_date": D(2012, 1, 1)},
        {"stage_change": change, "meeting": None, "new_date": D(2013, 1, 1)},
        {"stage_change": change, "meeting": None, "new_date": D(2012, 1, 1), "reason": ""},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            DateCorrection.objects.create(
                **{"neighbourhood": nbh, "old_date": D(2013, 1, 1), "reason": "R", **fields}
            )


# --- The pages ----------------------------------------------------------------------------------


def test_the_coordinator_corrects_a_stage_date_on_its_page(world, coordinator, client_for):
    client = client_for(coordinator)
    change = world.nbh.stage_changes.get()
    url = reverse("neighborhoods:stage_date_correct", args=[world.nbh.slug, change.pk])
    detail = client.get(world.nbh.get_absolute_url()).content.decode()
    assert url in detail
    assert client.get(url).status_code == 200
    # Refused: everything typed comes back, with the reason for the refusal.
    response = client.post(url, {"on": "2031-01-01", "reason": "Année mal saisie"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "est dans le futur" in page
    assert "Année mal saisie" in page
    response = client.post(url, {"on": "2012-11-30", "reason": "Année mal saisie"})
    assert response.status_code == 302
    page = client.get(world.nbh.get_absolute_url()).content.decode()
    assert "Date corrigée du 1 janvier 2013 au 30 novembre 2012" in page
    assert "Année mal saisie" in page


def test_the_coordinator_corrects_a_meeting_date_on_its_page(world, coordinator, client_for):
    client = client_for(coordinator)
    meeting = f.MeetingFactory(neighbourhood=world.nbh, kind=Meeting.Kind.PUBLIC)
    url = reverse("neighborhoods:meeting_date_correct", args=[world.nbh.slug, meeting.pk])
    assert url in client.get(world.nbh.get_absolute_url()).content.decode()
    response = client.post(url, {"on": "2013-10-03", "reason": ""})
    assert response.status_code == 400
    response = client.post(url, {"on": "2013-10-03", "reason": "Reportée de deux jours"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.held_on == D(2013, 10, 3)
    page = client.get(world.nbh.get_absolute_url()).content.decode()
    assert "Date corrigée du 1 octobre 2013 au 3 octobre 2013" in page


def test_the_history_page_keeps_its_queries_constant(
    world, coordinator, client_for, django_assert_max_num_queries
):
    client = client_for(coordinator)
    url = world.nbh.get_absolute_url()
    change = world.nbh.stage_changes.get()
    for day in range(1, 11):
        meeting = f.MeetingFactory(neighbourhood=world.nbh, kind=Meeting.Kind.ELECTED)
        pipeline.meeting_date_correct(
            meeting=meeting, on=D(2013, 11, day), reason="Erreur", by=coordinator
        )
        pipeline.stage_date_correct(
            stage_change=change, on=D(2012, 1, day), reason="Erreur", by=coordinator
        )
    client.get(url)
    with django_assert_max_num_queries(25):
        response = client.get(url)
    assert response.content.decode().count("Date corrigée du") == 20
