"""The admin's transitions go through the pipeline's functions; history is read-only there."""

import pytest
from django.urls import reverse

from neighborhoods.models import Neighbourhood, StageChange

Stage = Neighbourhood.Stage
CHANGELIST = "admin:neighborhoods_neighbourhood_changelist"


@pytest.fixture
def admin_client(world, coordinator, client_for):
    return client_for(coordinator)


def act(client, action, *nbhs, **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [n.pk for n in nbhs], **extra},
        follow=True,
    )


def test_advance_action_takes_the_next_step_with_history(world, admin_client, coordinator):
    act(admin_client, "advance_next", world.nbh)
    world.nbh.refresh_from_db()
    assert world.nbh.stage == Stage.PARTNERS
    assert world.nbh.stage_changes.last().recorded_by == coordinator


def test_advance_action_reports_refusals(world, admin_client):
    Neighbourhood.objects.filter(pk=world.nbh.pk).update(stage=Stage.PARTNERS)
    response = act(admin_client, "advance_next", world.nbh)
    assert "Il manque : une rencontre des partenaires" in response.content.decode()
    world.nbh.refresh_from_db()
    assert world.nbh.stage == Stage.PARTNERS


def test_stop_action_asks_for_a_reason_first(world, admin_client):
    response = act(admin_client, "stop_abandoned", world.nbh)
    assert "Motif" in response.content.decode()
    world.nbh.refresh_from_db()
    assert world.nbh.stage == Stage.CANDIDATE
    act(admin_client, "stop_abandoned", world.nbh, apply="1", reason="Le bailleur renonce")
    world.nbh.refresh_from_db()
    assert world.nbh.stage == Stage.ABANDONED
    assert world.nbh.stage_changes.last().note == "Le bailleur renonce"


def test_reopen_action(world, admin_client):
    act(admin_client, "stop_abandoned", world.nbh, apply="1", reason="Pause")
    act(admin_client, "reopen", world.nbh, apply="1", reason="Reprise")
    world.nbh.refresh_from_db()
    assert world.nbh.stage == Stage.CANDIDATE


def test_adding_a_neighbourhood_in_the_admin_starts_its_history(world, admin_client, orgs):
    response = admin_client.post(
        reverse("admin:neighborhoods_neighbourhood_add"),
        {
            "name": "Pontanézen",
            "slug": "pontanezen",
            "city": "Brest",
            "landlord": orgs.landlord.pk,
            "expected_dwellings": 400,
            **{
                f"{prefix}-{key}": value
                for prefix in ("sectors", "meetings", "stage_changes")
                for key, value in {
                    "TOTAL_FORMS": 0,
                    "INITIAL_FORMS": 0,
                    "MIN_NUM_FORMS": 0,
                    "MAX_NUM_FORMS": 1000,
                }.items()
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    nbh = Neighbourhood.objects.get(slug="pontanezen")
    assert nbh.stage == Stage.CANDIDATE
    assert list(nbh.stage_changes.values_list("from_stage", "to_stage")) == [("", "candidate")]


def test_pages_of_the_admin_answer(world, admin_client):
    for name in (
        CHANGELIST,
        "admin:neighborhoods_dwelling_changelist",
        "admin:neighborhoods_meeting_changelist",
        "admin:neighborhoods_stagechange_changelist",
        "admin:neighborhoods_registerimport_changelist",
        "admin:neighborhoods_household_changelist",
    ):
        assert admin_client.get(reverse(name), {"q": "test"}).status_code == 200, name
    url = reverse("admin:neighborhoods_neighbourhood_change", args=[world.nbh.pk])
    assert admin_client.get(url).status_code == 200


def test_history_cannot_be_written_from_the_admin(world, admin_client):
    change = StageChange.objects.first()
    url = reverse("admin:neighborhoods_stagechange_delete", args=[change.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
