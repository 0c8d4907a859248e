"""Fixtures shared by the whole suite: the cast of users and a small world they act in.

The cast (one user per role, plus the staff of *another* centre and another association) is
used by the permission matrix and by every feature test. The `world` is a namespace of objects
in the scope of the cast: `world.nbh` is served by the `centre` persona's centre, owned by the
`landlord` persona's landlord, and has the `association` persona's association;
`world.other_nbh` belongs to the other centre and another landlord.
"""

from types import SimpleNamespace

import pytest
from django.test import Client

from neighborhoods.models import Neighbourhood, Organisation, User
from neighborhoods.summaries import register_sizes_refresh

from . import factories as f

PASSWORD = "motdepasse-de-test"


@pytest.fixture(autouse=True, scope="session")
def _open_data_in_a_temporary_directory(tmp_path_factory):
    """Publications (the demo publishes one) are written outside the worktree's media."""
    from django.test import override_settings

    with override_settings(OPEN_DATA_ROOT=tmp_path_factory.mktemp("donnees-ouvertes")):
        yield


_ROLE_GROUPS: dict[str, list[tuple[str, str]]] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as migrated, and a note of the role groups its data migrations made
    (each group's permissions), for the transactional tests that need them after a flush."""
    from django.contrib.auth.models import Group

    with django_db_blocker.unblock():
        for group in Group.objects.prefetch_related("permissions__content_type"):
            _ROLE_GROUPS[group.name] = [
                (p.content_type.app_label, p.codename) for p in group.permissions.all()
            ]


def restore_role_groups():
    """Make the role groups again as the migrations left them (a flush empties auth_group, and
    post_migrate makes the permissions again but not the groups)."""
    from django.contrib.auth.models import Group, Permission

    for name, permissions in _ROLE_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = {(app, codename) for app, codename in permissions}
        found = Permission.objects.filter(
            content_type__app_label__in={app for app, _c in wanted},
            codename__in={codename for _a, codename in wanted},
        ).select_related("content_type")
        group.permissions.set(
            [p for p in found if (p.content_type.app_label, p.codename) in wanted]
        )


@pytest.fixture(autouse=True)
def _role_groups_after_a_flush(request):
    """A test on a transactional database starts with the role groups: the one before it may
    have flushed them, and which test runs before which depends on xdist's split."""
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback")):
        request.getfixturevalue("_django_db_helper")
        restore_role_groups()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with empty caches: the ballot page counts wrong codes in the default
    one; the dashboard's figures are kept in "figures" for a version of the data, which a flush
    (transactional tests) takes back to 0."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in French, the default: LocaleMiddleware activates a request's language
    in the thread and nothing deactivates it, so a test that asked for English would otherwise
    hand it to whichever test runs next in the same process (the order of pytest-xdist's)."""
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def job_queue():
    """Background jobs go to Procrastinate's in-memory queue (on PostgreSQL; on SQLite they run
    in the request): `job_queue.run_all()` runs them as a worker would."""
    from procrastinate.contrib.django import app

    from brest_internet.jobs.testing import InMemoryQueue

    queue = InMemoryQueue()
    with app.replace_connector(queue.connector):
        yield queue


@pytest.fixture
def orgs(db):
    return SimpleNamespace(
        city=f.OrganisationFactory(name="Ville de test", kind=Organisation.Kind.CITY),
        landlord=f.LandlordFactory(name="Bailleur de test"),
        other_landlord=f.LandlordFactory(name="Autre bailleur"),
        centre=f.CentreFactory(name="Centre social de test"),
        other_centre=f.CentreFactory(name="Autre centre social"),
        association=f.AssociationFactory(name="CSF de test", short_name="CSF"),
        other_association=f.AssociationFactory(name="CLCV de test", short_name="CLCV"),
    )


@pytest.fixture
def coordinator(orgs):
    return f.UserFactory(
        username="coordo", organisation=orgs.city, role=User.Role.COORDINATOR, is_staff=True
    )


@pytest.fixture
def landlord_user(orgs):
    return f.UserFactory(username="bailleur", organisation=orgs.landlord, role=User.Role.LANDLORD)


@pytest.fixture
def other_landlord_user(orgs):
    return f.UserFactory(
        username="autre-bailleur", organisation=orgs.other_landlord, role=User.Role.LANDLORD
    )


@pytest.fixture
def centre_user(orgs):
    return f.UserFactory(username="animateur", organisation=orgs.centre, role=User.Role.CENTRE)


@pytest.fixture
def other_centre_user(orgs):
    return f.UserFactory(
        username="autre-animateur", organisation=orgs.other_centre, role=User.Role.CENTRE
    )


@pytest.fixture
def association_user(orgs):
    return f.UserFactory(
        username="association", organisation=orgs.association, role=User.Role.ASSOCIATION
    )


@pytest.fixture
def other_association_user(orgs):
    return f.UserFactory(
        username="autre-association",
        organisation=orgs.other_association,
        role=User.Role.ASSOCIATION,
    )


@pytest.fixture
def cast(
    coordinator,
    landlord_user,
    centre_user,
    other_centre_user,
    association_user,
    other_association_user,
):
    """Every persona of the permission matrix, by the matrix's role names."""
    return {
        "anonymous": None,
        "coordinator": coordinator,
        "landlord": landlord_user,
        "centre": centre_user,
        "other_centre": other_centre_user,
        "association": association_user,
        "other_association": other_association_user,
    }


@pytest.fixture
def client_for():
    """`client_for(user)`: a test client logged in as `user` (anonymous for None)."""

    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def world(orgs):
    """A small programme in the scope of the cast (see the module docstring)."""
    nbh = f.NeighbourhoodFactory(
        name="Kerourien de test",
        slug="kerourien-test",
        landlord=orgs.landlord,
        centre=orgs.centre,
        stage=Neighbourhood.Stage.CANDIDATE,
    )
    nbh.associations.add(orgs.association)
    other_nbh = f.NeighbourhoodFactory(
        name="Autre quartier",
        slug="autre-quartier",
        landlord=orgs.other_landlord,
        centre=orgs.other_centre,
    )
    other_nbh.associations.add(orgs.other_association)
    dwellings = f.DwellingFactory.create_batch(3, neighbourhood=nbh)
    other_dwelling = f.DwellingFactory(neighbourhood=other_nbh)
    # Written round the register's writers (the import, the admin): its kept size recounted,
    # as they do.
    register_sizes_refresh([nbh.pk, other_nbh.pk])
    household = f.HouseholdFactory(name="Famille Le Goff")
    f.OccupancyFactory(household=household, dwelling=dwellings[0])
    other_household = f.HouseholdFactory(name="Famille Autre")
    f.OccupancyFactory(household=other_household, dwelling=other_dwelling)
    return SimpleNamespace(
        orgs=orgs,
        nbh=nbh,
        other_nbh=other_nbh,
        dwellings=dwellings,
        dwelling=dwellings[0],
        other_dwelling=other_dwelling,
        household=household,
        other_household=other_household,
    )
