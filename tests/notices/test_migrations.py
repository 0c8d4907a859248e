"""The data migration that lets the coordination keep the organisations' phone numbers."""

import pytest

from tests.migrations import migrate

pytestmark = pytest.mark.django_db(transaction=True)

CODENAMES = {"view_organisationcontact", "add_organisationcontact", "change_organisationcontact"}


def granted(apps, group):
    Group = apps.get_model("auth", "Group")
    found = Group.objects.filter(name=group).first()
    if found is None:
        return set()
    return set(
        found.permissions.filter(content_type__app_label="notices").values_list(
            "codename", flat=True
        )
    )


def test_the_coordination_gets_the_phone_numbers_and_loses_them_backwards():
    try:
        # From before it (a flush by an earlier transactional test may have emptied the groups).
        migrate([("notices", "0001_contacts_consents_and_deliveries")])
        apps = migrate([("notices", "0002_role_permissions")])
        assert granted(apps, "Coordination du programme") == CODENAMES
        assert granted(apps, "Centre social") == set()
        apps = migrate([("notices", "0001_contacts_consents_and_deliveries")])
        assert granted(apps, "Coordination du programme") == set()
    finally:
        migrate([("notices", "0002_role_permissions")])
