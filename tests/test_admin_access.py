"""Only the programme's coordination reaches the admin, whatever `is_staff` says.

The admin lists every organisation's rows without the scopes the pages apply: a landlord's,
a centre's or an association's member given the staff flag must still be kept out, and changing
a user's role resets the flags. A superuser without a role (`createsuperuser`) still gets in.
"""

import pytest
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse

from neighborhoods.models import User

from . import factories as f
from .migrations import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db


def _admin_pages(client):
    """The admin's index and a list of every landlord's dwellings."""
    return [
        client.get(reverse("admin:index")),
        client.get(reverse("admin:neighborhoods_dwelling_changelist")),
    ]


@pytest.mark.parametrize("role", [User.Role.LANDLORD, User.Role.CENTRE, User.Role.ASSOCIATION])
def test_a_staff_flag_held_by_another_role_does_not_open_the_admin(role, orgs):
    user = f.UserFactory(username=f"staff-{role}", organisation=orgs.landlord, role=role)
    # Held in memory only: the database refuses the flag on this role (test below), but the
    # admin must not rely on it.
    user.is_staff = True
    for view in (admin.site.index, admin.site.app_index):
        request = RequestFactory().get(reverse("admin:index"))
        request.user = user
        kwargs = {"app_label": "neighborhoods"} if view == admin.site.app_index else {}
        response = admin.site.admin_view(view)(request, **kwargs)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_the_coordinator_and_a_superuser_without_role_reach_the_admin(coordinator, client_for):
    superuser = User.objects.create_superuser("racine", "racine@example.org", "x" * 12)
    for user in (coordinator, superuser):
        for response in _admin_pages(client_for(user)):
            assert response.status_code == 200


def test_a_landlord_ticked_staff_in_the_admin_form_is_saved_without_it(admin_client, orgs):
    response = admin_client.post(
        reverse("admin:neighborhoods_user_add"),
        {
            "first_name": "Yann",
            "last_name": "Le Gall",
            "email": "nouveau-bailleur@bailleur.example",
            "organisation": orgs.landlord.pk,
            "role": User.Role.LANDLORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="nouveau-bailleur@bailleur.example")
    user.is_staff = True
    user.is_superuser = True
    user.save()
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (False, False)


def test_changing_a_coordinators_role_takes_the_admin_away(coordinator, client_for):
    assert coordinator.is_staff
    coordinator.role = User.Role.LANDLORD
    coordinator.save(update_fields=["role"])
    coordinator.refresh_from_db()
    assert coordinator.is_staff is False
    response = client_for(coordinator).get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("admin:login"))


def test_becoming_coordinator_opens_the_admin(landlord_user, orgs, client_for):
    landlord_user.role = User.Role.COORDINATOR
    landlord_user.organisation = orgs.city
    landlord_user.save()
    landlord_user.refresh_from_db()
    assert landlord_user.is_staff
    assert client_for(landlord_user).get(reverse("admin:index")).status_code == 200


def test_the_database_refuses_admin_flags_on_another_role(landlord_user):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=landlord_user.pk).update(is_superuser=True)


@pytest.mark.django_db(transaction=True)
def test_the_migration_clears_flags_wrongly_held_before_the_constraint():
    before = [("neighborhoods", "0007_date_correction_permissions")]
    after = [("neighborhoods", "0008_user_admin_flags_only_for_coordinators")]
    apps = migrate(before)
    Organisation = apps.get_model("neighborhoods", "Organisation")
    OldUser = apps.get_model("neighborhoods", "User")
    org = Organisation.objects.create(name="Bailleur ancien", kind="landlord")
    OldUser.objects.create(username="ancien", organisation=org, role="landlord", is_staff=True)
    OldUser.objects.create(username="coord", organisation=org, role="coordinator", is_staff=True)
    migrate(after)
    migrate_to_latest()
    flags = dict(User.objects.values_list("username", "is_staff"))
    assert flags == {"ancien": False, "coord": True}
