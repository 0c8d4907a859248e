"""The roles have one source, `User.Role`: the groups and the access aliases follow it."""

import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from neighborhoods import access
from neighborhoods.models import User
from neighborhoods.roles import GROUP_NAMES

# The names stored in the database by the migrations: they must never follow the language.
STORED = {
    "coordinator": "Coordination du programme",
    "landlord": "Bailleur",
    "centre": "Centre social",
    "association": "Association de locataires",
}


def test_the_group_names_are_the_french_labels_of_the_roles_whatever_the_language():
    assert GROUP_NAMES == STORED
    with translation.override("en"):
        from importlib import reload

        from neighborhoods import roles

        assert reload(roles).GROUP_NAMES == STORED
    assert set(GROUP_NAMES) == set(User.Role.values)


def test_the_access_names_are_the_roles_themselves():
    assert tuple(User.Role) == access.ALL_ROLES
    assert (access.COORDINATOR, access.LANDLORD, access.CENTRE, access.ASSOCIATION) == (
        User.Role.COORDINATOR,
        User.Role.LANDLORD,
        User.Role.CENTRE,
        User.Role.ASSOCIATION,
    )


@pytest.mark.django_db
def test_a_user_is_put_in_the_group_stored_for_its_role(orgs):
    user = User.objects.create(username="u", organisation=orgs.centre, role=User.Role.CENTRE)
    with translation.override("en"):
        user.sync_role_group()
    assert list(user.groups.values_list("name", flat=True)) == ["Centre social"]
    assert Group.objects.filter(name__in=STORED.values()).count() == 4
