"""Who may do what in neighborhoods, asked of `neighborhoods.rules` by the views, the services and
the templates alike: the same answer wherever the question is asked."""

import pytest
from django.urls import reverse

from neighborhoods import pipeline, rules
from neighborhoods.models import Neighbourhood, StageChange, User

pytestmark = pytest.mark.django_db
Stage = Neighbourhood.Stage


def test_only_the_coordination_and_the_system_move_the_pipeline(cast):
    assert rules.can_manage_pipeline(cast["coordinator"])
    assert rules.can_manage_pipeline(User.objects.system())
    for role in ("landlord", "centre", "association"):
        assert not rules.can_manage_pipeline(cast[role])
    assert not rules.can_manage_pipeline(None)


def test_the_service_refuses_a_landlord_whatever_page_it_came_from(world, landlord_user):
    with pytest.raises(pipeline.TransitionError, match="Seule la coordination"):
        pipeline.advance(world.nbh, to_stage=Stage.PARTNERS, by=landlord_user)
    with pytest.raises(pipeline.TransitionError, match="Seule la coordination"):
        pipeline.stop(world.nbh, to_stage=Stage.ABANDONED, by=landlord_user, reason="Non")
    world.nbh.refresh_from_db()
    assert world.nbh.stage == Stage.CANDIDATE
    assert not StageChange.objects.filter(neighbourhood=world.nbh, to_stage="partners").exists()


def test_the_system_actor_moves_the_pipeline_and_the_history_names_it(world):
    system = User.objects.system()
    pipeline.advance(world.nbh, to_stage=Stage.PARTNERS, by=system)
    change = StageChange.objects.filter(neighbourhood=world.nbh).latest("recorded_at")
    assert (change.to_stage, change.recorded_by) == (Stage.PARTNERS, system)


def test_a_landlord_keeps_its_own_registers_only(world, landlord_user, centre_user, coordinator):
    assert rules.can_keep_register(landlord_user, world.nbh)
    assert not rules.can_keep_register(landlord_user, world.other_nbh)
    assert not rules.can_keep_register(centre_user, world.nbh)
    assert rules.can_keep_register(coordinator, world.other_nbh)
    assert list(rules.register_neighbourhoods(landlord_user)) == [world.nbh]
    assert not rules.register_neighbourhoods(centre_user).exists()


def test_the_register_link_is_shown_exactly_to_who_may_open_it(world, client_for, cast):
    for user, shown in [(cast["landlord"], True), (cast["centre"], False)]:
        page = client_for(user).get(reverse("neighborhoods:list")).content.decode()
        assert (reverse("neighborhoods:register_import") in page) is shown
        status = client_for(user).get(reverse("neighborhoods:register_import")).status_code
        assert (status == 200) is shown
