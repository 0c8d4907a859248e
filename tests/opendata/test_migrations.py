"""Migration 0002: the coordination gets the open data's admin permissions, and loses them on
the way back."""

import pytest

from tests.migrations import migrate

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("opendata", "0001_publications_and_centre_places")]
AFTER = [("opendata", "0002_role_permissions")]


def coordination_perms(apps):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name="Coordination du programme").first()
    if group is None:
        return set()
    return set(
        group.permissions.filter(content_type__app_label="opendata").values_list(
            "codename", flat=True
        )
    )


def test_the_role_permissions_are_granted_and_revoked():
    before = migrate(BEFORE)
    assert coordination_perms(before) == set()
    after = migrate(AFTER)
    assert coordination_perms(after) == {
        "view_centreplace",
        "add_centreplace",
        "change_centreplace",
        "view_publication",
    }
