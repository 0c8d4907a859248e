"""Choosing a household among hundreds: a search by name, dwelling reference or the last
digits of the phone, within the user's scope, bounded, in a constant number of queries, with
namesakes told apart; the same include at the four places (sign-up, home help, advice,
computer)."""

import datetime

from django.urls import reverse

from neighborhoods.models import Occupancy
from support.models import Registration
from support.search import LIMIT, household_search
from tests import factories as f


def _living(name, nbh, reference=None, phone=""):
    household = f.HouseholdFactory(name=name, phone=phone)
    dwelling = f.DwellingFactory(
        neighbourhood=nbh, **({"reference": reference} if reference else {})
    )
    Occupancy.objects.create(
        household=household, dwelling=dwelling, moved_in=datetime.date(2010, 1, 1)
    )
    return household


def test_search_by_name_reference_and_phone_end(world, centre_user):
    dupont = _living("Famille Dupont", world.nbh, reference="KER-B-014", phone="06 12 34 56 78")
    _living("Famille Martin", world.nbh, reference="KER-C-002", phone="07 00 00 00 01")
    assert [h.pk for h in household_search(centre_user, "dupon").matches] == [dupont.pk]
    assert [h.pk for h in household_search(centre_user, "b-014").matches] == [dupont.pk]
    assert [h.pk for h in household_search(centre_user, "56 78").matches] == [dupont.pk]
    assert [h.pk for h in household_search(centre_user, "5678").matches] == [dupont.pk]
    assert household_search(centre_user, "").matches == []
    assert household_search(centre_user, "Zzz").matches == []


def test_namesakes_are_told_apart_by_dwelling_and_neighbourhood(world, centre_user, client_for):
    world.other_nbh.centre = world.nbh.centre
    world.other_nbh.save(update_fields=["centre"])
    _living("Famille Kerouac", world.nbh, reference="KER-A-001")
    _living("Famille Kerouac", world.other_nbh, reference="AUT-A-007")
    url = reverse("support:household_choose") + "?pour=aide-a-domicile&foyer=kerouac"
    page = client_for(centre_user).get(url).content.decode()
    assert "KER-A-001, Kerourien de test" in page
    assert "AUT-A-007, Autre quartier" in page


def test_search_is_scoped_to_what_the_user_may_see(world, centre_user, other_centre_user):
    assert household_search(centre_user, "Famille Autre").matches == []
    assert [h.pk for h in household_search(other_centre_user, "Famille").matches] == [
        world.other_household.pk
    ]


def test_results_are_bounded_and_say_so(world, centre_user):
    for n in range(LIMIT + 3):
        _living(f"Famille Nombreuse {n:02d}", world.nbh)
    search = household_search(centre_user, "nombreuse")
    assert len(search.matches) == LIMIT and search.more


def test_sign_up_page_has_no_dropdown_of_every_household(
    world, centre_user, client_for, make_session, households
):
    session = make_session()
    many = households(30)
    page = client_for(centre_user).get(session.get_absolute_url()).content.decode()
    assert 'name="household"' not in page
    assert not any(h.name in page for h in many)
    assert 'id="foyer-recherche"' in page


def test_sign_up_through_the_search(world, centre_user, client_for, make_session):
    session = make_session()
    _living("Famille Dupont", world.nbh, reference="KER-B-014")
    client = client_for(centre_user)
    page = client.get(session.get_absolute_url(), {"foyer": "dupont"}).content.decode()
    household = household_search(centre_user, "dupont").matches[0]
    assert f'value="{household.pk}"' in page and "Inscrire" in page
    client.post(reverse("support:session_sign_up", args=[session.pk]), {"household": household.pk})
    assert Registration.objects.get(session=session).household == household


def test_sign_up_search_is_limited_to_the_session_neighbourhood(
    world, coordinator, client_for, make_session
):
    session = make_session()
    page = client_for(coordinator).get(session.get_absolute_url(), {"foyer": "Famille"}).content
    assert b"Famille Le Goff" in page and b"Famille Autre" not in page


def test_choosing_leads_to_the_form_and_stays_in_scope(world, centre_user, client_for):
    client = client_for(centre_user)
    choose = reverse("support:household_choose")
    for purpose, target in (
        ("aide-a-domicile", "support:home_help_create"),
        ("conseil-juridique", "support:advice_create"),
        ("ordinateur", "support:order_create"),
    ):
        response = client.get(choose, {"pour": purpose, "household": world.household.pk})
        assert response.url == reverse(target, args=[world.household.pk])
    outside = client.get(choose, {"pour": "ordinateur", "household": world.other_household.pk})
    assert outside.status_code == 404
    assert client.get(choose, {"pour": "ordinateur", "household": "x"}).status_code == 404
    page = client.get(choose).content.decode()
    assert "Pour quelle demande" in page


def test_the_search_keeps_its_queries_as_households_grow(
    world, centre_user, client_for, make_session, households, django_assert_max_num_queries
):
    session = make_session()
    client = client_for(centre_user)
    households(3)
    client.get(session.get_absolute_url(), {"foyer": "a"})
    with django_assert_max_num_queries(40) as small:
        client.get(session.get_absolute_url(), {"foyer": "a"})
    households(40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(session.get_absolute_url(), {"foyer": "a"})
