"""The coordinators' pages: list, neighbourhood page, funnel, actions, meetings; scope."""

import datetime

import pytest
from django.urls import reverse

from neighborhoods.models import Dwelling, Meeting, Neighbourhood, StageChange
from tests import factories as f

Stage = Neighbourhood.Stage


def make_neighbourhoods(n, landlord, dwellings_each=3):
    for _ in range(n):
        nbh = f.NeighbourhoodFactory(landlord=landlord)
        f.DwellingFactory.create_batch(dwellings_each, neighbourhood=nbh)
        f.MeetingFactory(neighbourhood=nbh)


# List -----------------------------------------------------------------------------------


def test_list_shows_dwellings_stage_and_next_step(world, coordinator, client_for):
    response = client_for(coordinator).get(reverse("neighborhoods:list"))
    page = response.content.decode()
    assert "Kerourien de test" in page and "Autre quartier" in page
    assert "Proposer aux partenaires" in page
    nbh = next(n for n in response.context["neighbourhoods"] if n.pk == world.nbh.pk)
    assert nbh.dwelling_count == 3


def test_list_filters_by_stage_and_year(world, coordinator, client_for):
    f.NeighbourhoodFactory(name="Kerbernier", stage=Stage.CANDIDATE, planned_year=2015)
    client = client_for(coordinator)
    names = lambda r: {n.name for n in r.context["neighbourhoods"]}  # noqa: E731
    assert names(client.get(reverse("neighborhoods:list"), {"year": 2015})) == {"Kerbernier"}
    world.nbh.stage = Stage.VOTE  # test set-up only
    Neighbourhood.objects.filter(pk=world.nbh.pk).update(stage=Stage.VOTE)
    assert names(client.get(reverse("neighborhoods:list"), {"stage": "vote"})) == {
        "Kerourien de test"
    }


def test_list_pages_keep_the_filters(world, coordinator, client_for):
    f.NeighbourhoodFactory.create_batch(51, stage=Stage.CANDIDATE, planned_year=2015)
    client = client_for(coordinator)
    first = client.get(reverse("neighborhoods:list"), {"stage": "candidate", "year": 2015})
    html = first.content.decode()
    assert "?stage=candidate&amp;year=2015&amp;page=2" in html and "Page 1 sur 2" in html
    second = client.get(
        reverse("neighborhoods:list"), {"stage": "candidate", "year": 2015, "page": 2}
    )
    assert len(second.context["neighbourhoods"]) == 1
    assert "?stage=candidate&amp;year=2015&amp;page=1" in second.content.decode()


def test_list_shows_only_the_scope_of_other_roles(world, centre_user, client_for):
    response = client_for(centre_user).get(reverse("neighborhoods:list"))
    assert [n.name for n in response.context["neighbourhoods"]] == ["Kerourien de test"]


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_does_not_grow(
    world, coordinator, client_for, orgs, rows, django_assert_max_num_queries
):
    make_neighbourhoods(rows, orgs.landlord)
    client = client_for(coordinator)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("neighborhoods:list"))
    assert response.status_code == 200


# Detail ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [3, 30])
def test_detail_query_count_does_not_grow(
    world, coordinator, client_for, rows, django_assert_max_num_queries
):
    nbh = world.nbh
    f.DwellingFactory.create_batch(rows, neighbourhood=nbh)
    for i in range(rows):
        meeting = f.MeetingFactory(neighbourhood=nbh, held_on=datetime.date(2013, 1, 1 + i % 28))
        meeting.organisations.add(world.orgs.association)
    for sector in range(rows // 3):
        f.SectorFactory(neighbourhood=nbh, name=f"Secteur {sector}")
    client = client_for(coordinator)
    with django_assert_max_num_queries(18):
        response = client.get(nbh.get_absolute_url())
    assert response.status_code == 200


def test_detail_shows_timeline_figures_next_step_and_actions(world, coordinator, client_for):
    nbh = world.nbh
    f.MeetingFactory(
        neighbourhood=nbh,
        kind=Meeting.Kind.ELECTED,
        held_on=datetime.date(2013, 2, 1),
        place="Mairie de quartier",
        minutes="Les élus soutiennent le projet.",
    )
    Dwelling.objects.filter(pk=world.dwellings[1].pk).update(status=Dwelling.Status.VACANT)
    response = client_for(coordinator).get(nbh.get_absolute_url())
    page = response.content.decode()
    assert "Rencontre des élus de quartier" in page and "Mairie de quartier" in page
    assert "Proposer aux partenaires" in page
    assert dict(response.context["status_rows"])["Vacant"] == 1
    assert response.context["households"] == 1
    assert "advance_form" in response.context and "stop_form" in response.context


def test_other_roles_see_the_page_read_only(world, association_user, client_for):
    response = client_for(association_user).get(world.nbh.get_absolute_url())
    assert response.status_code == 200
    assert "advance_form" not in response.context
    assert reverse("neighborhoods:advance", args=[world.nbh.slug]) not in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["other_centre_user", "other_association_user", "other_landlord_user"]
)
def test_a_neighbourhood_out_of_scope_is_not_found(world, client_for, request, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(world.nbh.get_absolute_url()).status_code == 404


def test_actions_on_a_neighbourhood_out_of_scope_of_the_url_are_not_found(
    world, coordinator, client_for
):
    response = client_for(coordinator).post(
        reverse("neighborhoods:advance", args=["nexiste-pas"]), {"to_stage": "partners"}
    )
    assert response.status_code == 404


# Actions --------------------------------------------------------------------------------


def test_advance_through_the_page(world, coordinator, client_for):
    response = client_for(coordinator).post(
        reverse("neighborhoods:advance", args=[world.nbh.slug]),
        {"to_stage": "partners", "expected_stage": "candidate", "on": "2014-01-15", "note": "ok"},
    )
    assert response.status_code == 302
    world.nbh.refresh_from_db()
    assert world.nbh.stage == Stage.PARTNERS
    change = world.nbh.stage_changes.last()
    assert (change.recorded_by, change.happened_on) == (coordinator, datetime.date(2014, 1, 15))


def test_a_refused_advance_shows_the_reason_and_changes_nothing(world, coordinator, client_for):
    response = client_for(coordinator).post(
        reverse("neighborhoods:advance", args=[world.nbh.slug]),
        {"to_stage": "vote", "expected_stage": "candidate"},
    )
    assert response.status_code == 400
    assert "Impossible de passer de « Candidat » à « Vote des locataires »" in (
        response.content.decode()
    )
    world.nbh.refresh_from_db()
    assert world.nbh.stage == Stage.CANDIDATE


def test_a_stale_page_gets_a_clear_message(world, coordinator, client_for):
    Neighbourhood.objects.filter(pk=world.nbh.pk).update(stage=Stage.ABANDONED)
    response = client_for(coordinator).post(
        reverse("neighborhoods:advance", args=[world.nbh.slug]),
        {"to_stage": "partners", "expected_stage": "candidate"},
    )
    assert response.status_code == 400
    assert "entre-temps" in response.content.decode()


def test_stop_needs_a_reason(world, coordinator, client_for):
    client = client_for(coordinator)
    url = reverse("neighborhoods:stop", args=[world.nbh.slug])
    response = client.post(url, {"to_stage": "abandoned", "expected_stage": "candidate"})
    assert response.status_code == 400
    assert "Un arrêt doit être motivé." in response.content.decode()
    response = client.post(
        url, {"to_stage": "abandoned", "expected_stage": "candidate", "reason": "Pas de local"}
    )
    assert response.status_code == 302
    world.nbh.refresh_from_db()
    assert world.nbh.stage == Stage.ABANDONED
    assert world.nbh.stage_changes.last().note == "Pas de local"


def test_reopen_with_a_reason(world, coordinator, client_for):
    client = client_for(coordinator)
    client.post(
        reverse("neighborhoods:stop", args=[world.nbh.slug]),
        {"to_stage": "abandoned", "expected_stage": "candidate", "reason": "Pause"},
    )
    url = reverse("neighborhoods:reopen", args=[world.nbh.slug])
    response = client.post(url, {"expected_stage": "abandoned"})
    assert "Une réouverture doit être motivée." in response.content.decode()
    response = client.post(url, {"expected_stage": "abandoned", "reason": "Reprise"})
    assert response.status_code == 302
    world.nbh.refresh_from_db()
    assert world.nbh.stage == Stage.CANDIDATE


def test_non_coordinators_cannot_act(world, landlord_user, client_for):
    response = client_for(landlord_user).post(
        reverse("neighborhoods:advance", args=[world.nbh.slug]),
        {"to_stage": "partners", "expected_stage": "candidate"},
    )
    assert response.status_code == 403
    assert StageChange.objects.filter(neighbourhood=world.nbh).count() == 1


# Meetings -------------------------------------------------------------------------------


def test_coordinator_creates_and_edits_a_partner_meeting(world, coordinator, client_for):
    client = client_for(coordinator)
    url = reverse("neighborhoods:meeting_create", args=[world.nbh.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "partners",
            "held_on": "2013-09-15",
            "starts_at": "14:00",
            "ends_at": "16:00",
            "place": "Centre social",
            "organisations": [world.orgs.centre.pk, world.orgs.association.pk],
            "decision": "validated",
            "minutes": "Projet validé à l'unanimité.",
        },
    )
    assert response.status_code == 302
    meeting = world.nbh.meetings.get()
    assert meeting.decision == Meeting.Decision.VALIDATED
    assert set(meeting.organisations.all()) == {world.orgs.centre, world.orgs.association}
    edit = reverse("neighborhoods:meeting_edit", args=[world.nbh.slug, meeting.pk])
    response = client.post(
        edit, {"kind": "partners", "held_on": "2013-09-16", "decision": "declined"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    # The date of a recorded meeting is corrected on its own page, with a reason.
    assert (meeting.held_on, meeting.decision) == (datetime.date(2013, 9, 15), "declined")
    response = client.post(
        reverse("neighborhoods:meeting_date_correct", args=[world.nbh.slug, meeting.pk]),
        {"on": "2013-09-16", "reason": "Date du compte rendu"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.held_on == datetime.date(2013, 9, 16)


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"kind": "public", "held_on": "2013-09-15", "decision": "validated"},
            "decision",
            "Seule une rencontre des partenaires porte une décision.",
        ),
        (
            {"kind": "public", "held_on": "2013-09-15", "starts_at": "16:00", "ends_at": "14:00"},
            "ends_at",
            "La fin doit suivre le début.",
        ),
        ({"kind": "review", "held_on": "2013-09-15"}, "kind", "Un bilan suppose un service lancé."),
        ({"kind": "public", "held_on": "pas une date"}, "held_on", "Saisissez une date valide."),
    ],
)
def test_meeting_form_refuses_bad_input(world, coordinator, client_for, data, field, message):
    response = client_for(coordinator).post(
        reverse("neighborhoods:meeting_create", args=[world.nbh.slug]), data
    )
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert not world.nbh.meetings.exists()


def test_a_partner_meeting_without_decision_is_pending(world, coordinator, client_for):
    client_for(coordinator).post(
        reverse("neighborhoods:meeting_create", args=[world.nbh.slug]),
        {"kind": "partners", "held_on": "2013-09-15"},
    )
    assert world.nbh.meetings.get().decision == Meeting.Decision.PENDING


def test_a_meeting_of_another_neighbourhood_is_not_found(world, coordinator, client_for):
    meeting = f.MeetingFactory(neighbourhood=world.other_nbh)
    response = client_for(coordinator).get(
        reverse("neighborhoods:meeting_edit", args=[world.nbh.slug, meeting.pk])
    )
    assert response.status_code == 404


# Funnel ---------------------------------------------------------------------------------


def test_funnel_counts_neighbourhoods_and_dwellings_per_stage(world, coordinator, client_for):
    Neighbourhood.objects.filter(pk=world.other_nbh.pk).update(stage=Stage.RUNNING)
    response = client_for(coordinator).get(reverse("neighborhoods:funnel"))
    rows = {r["value"]: r for r in response.context["rows"]}
    assert (rows["candidate"]["neighbourhoods"], rows["candidate"]["dwellings"]) == (1, 3)
    assert (rows["running"]["neighbourhoods"], rows["running"]["dwellings"]) == (1, 1)
    assert response.context["total_dwellings"] == 4


@pytest.mark.parametrize("rows", [3, 30])
def test_funnel_query_count_does_not_grow(
    world, coordinator, client_for, orgs, rows, django_assert_max_num_queries
):
    make_neighbourhoods(rows, orgs.landlord)
    client = client_for(coordinator)
    with django_assert_max_num_queries(8):
        client.get(reverse("neighborhoods:funnel"))
