"""The admin's transitions go through the pipeline's functions; history is read-only there."""

import pytest
from django.urls import reverse

from neighborhoods.models import Neighbourhood, StageChange, User

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


# What the services own is not written from the admin --------------------------------------


def _dwelling_form(dwelling, **changes):
    data = {
        "neighbourhood": dwelling.neighbourhood_id,
        "sector": "",
        "reference": dwelling.reference,
        "address": dwelling.address,
        "building": dwelling.building,
        "entrance": dwelling.entrance,
        "status": dwelling.status,
        "occupancies-TOTAL_FORMS": 0,
        "occupancies-INITIAL_FORMS": 0,
        "occupancies-MIN_NUM_FORMS": 0,
        "occupancies-MAX_NUM_FORMS": 1000,
    }
    data.update(changes)
    return data


def test_the_admin_cannot_set_a_dwellings_status(world, admin_client):
    """world.dwelling has its household in place: marking it vacant here would leave a
    household in a vacant dwelling (the register's page refuses it)."""
    from neighborhoods.models import Dwelling

    dwelling = world.dwelling
    url = reverse("admin:neighborhoods_dwelling_change", args=[dwelling.pk])
    response = admin_client.post(
        url, _dwelling_form(dwelling, status="vacant", address="2 rue de Kerourien")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    dwelling.refresh_from_db()
    assert dwelling.address == "2 rue de Kerourien"  # what the admin may change, it changes
    assert dwelling.status == Dwelling.Status.OCCUPIED


def test_the_admin_cannot_write_a_move(world, admin_client):
    occupancy = world.dwelling.occupancies.get()
    url = reverse("admin:neighborhoods_occupancy_change", args=[occupancy.pk])
    assert admin_client.get(url).status_code == 200  # shown
    response = admin_client.post(
        url,
        {
            "household": occupancy.household_id,
            "dwelling": occupancy.dwelling_id,
            "moved_in": "2008-01-01",
            "moved_out": "2014-01-01",
        },
    )
    assert response.status_code == 403
    assert admin_client.get(reverse("admin:neighborhoods_occupancy_add")).status_code == 403
    # Nor through the dwelling's inline: its rows are shown, not a form.
    page = admin_client.get(
        reverse("admin:neighborhoods_dwelling_change", args=[world.dwelling.pk])
    ).content.decode()
    assert 'name="occupancies-0-moved_out"' not in page
    occupancy.refresh_from_db()
    assert occupancy.moved_out is None


def test_the_admin_does_not_overwrite_a_meetings_date(world, admin_client):
    import datetime

    from neighborhoods.models import Meeting
    from tests import factories as f

    meeting = f.MeetingFactory(neighbourhood=world.nbh, kind=Meeting.Kind.PUBLIC)
    url = reverse("admin:neighborhoods_meeting_change", args=[meeting.pk])
    response = admin_client.post(
        url,
        {
            "neighbourhood": world.nbh.pk,
            "kind": "public",
            "held_on": "2031-01-01",
            "place": "Salle B",
            "decision": "",
            "minutes": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting.refresh_from_db()
    assert meeting.place == "Salle B"
    assert meeting.held_on == datetime.date(2013, 10, 1)


def test_the_admin_does_not_revert_a_guarded_row_to_an_old_version(world, admin_client):
    from neighborhoods import moves

    moves.dwelling_status_change(
        dwelling=world.dwellings[1],
        status="out_of_service",
        by=User.objects.system(),
        reason="Travaux",
    )
    dwelling = world.dwellings[1]
    old = dwelling.history.order_by("history_id").first()
    url = reverse("admin:neighborhoods_dwelling_simple_history", args=[dwelling.pk, old.history_id])
    assert admin_client.post(url, {}).status_code == 403
    dwelling.refresh_from_db()
    assert dwelling.status == "out_of_service"
    nbh_history = world.nbh.history.order_by("history_id").first()
    url = reverse(
        "admin:neighborhoods_neighbourhood_simple_history",
        args=[world.nbh.pk, nbh_history.history_id],
    )
    assert admin_client.get(url).status_code == 403


def test_the_admin_cannot_revert_an_anonymised_household_to_its_name(world, admin_client):
    from brest_internet.programme import gdpr

    household = world.household
    name = household.name
    old = household.history.order_by("history_id").first()
    gdpr.household_anonymise(household=household, by=User.objects.system())
    url = reverse(
        "admin:neighborhoods_household_simple_history", args=[household.pk, old.history_id]
    )
    assert admin_client.post(url, {}).status_code == 403
    household.refresh_from_db()
    assert household.name != name and household.anonymised_at is not None


def test_the_admin_shows_the_corrected_dates_of_a_neighbourhood(world, admin_client, coordinator):
    import datetime

    from neighborhoods import pipeline

    change = world.nbh.stage_changes.get()
    pipeline.stage_date_correct(
        stage_change=change,
        on=datetime.date(2012, 12, 3),
        reason="Date du courrier",
        by=coordinator,
    )
    url = reverse("admin:neighborhoods_neighbourhood_change", args=[world.nbh.pk])
    page = admin_client.get(url).content.decode()
    assert "Date du courrier" in page
    listing = admin_client.get(reverse("admin:neighborhoods_datecorrection_changelist"))
    assert "Kerourien de test" in listing.content.decode()
