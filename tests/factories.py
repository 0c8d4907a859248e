"""factory-boy factories for the whole project (French fake data)."""

import datetime

import factory
from factory.django import DjangoModelFactory

from neighborhoods.models import (
    Dwelling,
    Household,
    Meeting,
    Neighbourhood,
    Occupancy,
    Organisation,
    Sector,
    StageChange,
    User,
)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Organisation {n}")
    short_name = ""
    kind = Organisation.Kind.LOCAL_ASSOCIATION


class LandlordFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Bailleur social {n}")
    kind = Organisation.Kind.LANDLORD


class CentreFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Centre social {n}")
    kind = Organisation.Kind.CENTRE


class AssociationFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Association de locataires {n}")
    kind = Organisation.Kind.TENANTS_ASSOCIATION


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.CITY)
    role = User.Role.COORDINATOR
    password = factory.django.Password("motdepasse-de-test")

    @factory.post_generation
    def role_group(self, create, extracted, **kwargs):
        if create:
            self.sync_role_group()


class NeighbourhoodFactory(DjangoModelFactory):
    class Meta:
        model = Neighbourhood
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Quartier {n}")
    slug = factory.Sequence(lambda n: f"quartier-{n}")
    landlord = factory.SubFactory(LandlordFactory)
    centre = factory.SubFactory(CentreFactory)
    planned_year = 2014
    expected_dwellings = 0

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        """Every neighbourhood starts with the first row of its stage history."""
        if create:
            StageChange.objects.create(
                neighbourhood=self,
                from_stage="",
                to_stage=self.stage,
                happened_on=datetime.date(2013, 1, 1),
            )


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector

    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    name = factory.Sequence(lambda n: f"Secteur {n}")


class DwellingFactory(DjangoModelFactory):
    class Meta:
        model = Dwelling

    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    reference = factory.Sequence(lambda n: f"LOG-{n:06d}")
    address = factory.Faker("street_address", locale="fr_FR")
    building = factory.Sequence(lambda n: f"B{n % 7 + 1}")
    entrance = factory.Sequence(lambda n: str(n % 4 + 1))
    status = Dwelling.Status.OCCUPIED


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    name = factory.Faker("name", locale="fr_FR")
    phone = factory.Sequence(lambda n: f"02 98 00 {n // 100 % 100:02d} {n % 100:02d}")


class OccupancyFactory(DjangoModelFactory):
    class Meta:
        model = Occupancy

    household = factory.SubFactory(HouseholdFactory)
    dwelling = factory.SubFactory(DwellingFactory)
    moved_in = datetime.date(2008, 1, 1)


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    kind = Meeting.Kind.PUBLIC
    held_on = datetime.date(2013, 10, 1)
    place = "Salle du centre social"
