"""The register's pages: a neighbourhood's dwellings, a dwelling's history, and the forms that
record moves, statuses and corrections; who may use them; their query counts; and what a
move-in recorded there changes to the monthly charge."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from neighborhoods.models import Dwelling, Household, Neighbourhood, Occupancy, Organisation, User
from tests import factories as f

D = datetime.date
Status = Dwelling.Status


def register_url(nbh):
    return reverse("neighborhoods:register", kwargs={"slug": nbh.slug})


def dwelling_url(dwelling, name="neighborhoods:dwelling", **extra):
    kwargs = {"slug": dwelling.neighbourhood.slug, "pk": dwelling.pk, **extra}
    return reverse(name, kwargs=kwargs)


def listed(response):
    return [d.reference for d in response.context["dwellings"]]


@pytest.fixture
def vacant(world):
    return f.DwellingFactory(
        neighbourhood=world.nbh, reference="KRR-B09-E1-0900", status=Status.VACANT
    )


# The register of a neighbourhood ----------------------------------------------------------


def test_the_register_lists_dwellings_with_their_status_and_household_in_place(
    world, landlord_user, client_for
):
    response = client_for(landlord_user).get(register_url(world.nbh))
    assert response.status_code == 200
    assert listed(response) == sorted(d.reference for d in world.dwellings)
    page = response.content.decode()
    assert "Famille Le Goff" in page and "depuis le 01/01/2008" in page
    assert dwelling_url(world.dwelling) in page
    statuses = {d.get_status_display() for d in world.dwellings}
    assert statuses and all(f"<td>{label}</td>" in page for label in statuses)


def test_the_register_filters_by_status_building_reference_and_household(
    world, landlord_user, client_for, vacant
):
    Dwelling.objects.filter(pk=world.dwellings[1].pk).update(building="B42")
    client = client_for(landlord_user)
    url = register_url(world.nbh)
    assert listed(client.get(url, {"status": "vacant"})) == [vacant.reference]
    assert listed(client.get(url, {"building": "B42"})) == [world.dwellings[1].reference]
    assert listed(client.get(url, {"reference": "b09-e1"})) == [vacant.reference]
    assert listed(client.get(url, {"household": "le goff"})) == [world.dwelling.reference]
    # A household that moved out is no longer "in place".
    Occupancy.objects.filter(dwelling=world.dwelling).update(moved_out=D(2014, 1, 1))
    assert listed(client.get(url, {"household": "le goff"})) == []


def test_an_unknown_building_is_a_clear_filter_error(world, landlord_user, client_for):
    response = client_for(landlord_user).get(register_url(world.nbh), {"building": "Z99"})
    assert response.status_code == 200
    assert "Filtre invalide." in response.content.decode()
    assert listed(response) == []


def test_the_register_pages_keep_the_filter(world, landlord_user, client_for):
    f.DwellingFactory.create_batch(55, neighbourhood=world.nbh, status=Status.VACANT)
    client = client_for(landlord_user)
    response = client.get(register_url(world.nbh), {"status": "vacant"})
    assert response.context["paginator"].count == 55
    assert len(response.context["dwellings"]) == 50
    assert "?status=vacant&amp;page=2" in response.content.decode()
    second = client.get(register_url(world.nbh), {"status": "vacant", "page": 2})
    assert len(second.context["dwellings"]) == 5


@pytest.mark.parametrize("rows", [3, 60])
def test_the_register_query_count_does_not_grow(
    world, landlord_user, client_for, rows, django_assert_max_num_queries
):
    for dwelling in f.DwellingFactory.create_batch(rows, neighbourhood=world.nbh):
        f.OccupancyFactory(dwelling=dwelling, moved_in=D(2001, 1, 1), moved_out=D(2005, 1, 1))
        f.OccupancyFactory(dwelling=dwelling, moved_in=D(2005, 1, 1))
    client = client_for(landlord_user)
    # Session, user and organisation, the session's idle-time update, the neighbourhood, the
    # buildings of the filter, the count, the page and the households in place.
    with django_assert_max_num_queries(11):
        response = client.get(register_url(world.nbh), {"status": "occupied"})
    assert len(response.context["dwellings"]) == min(rows + 3, 50)


# Who may keep the register ------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["centre_user", "association_user"])
def test_centre_and_association_staff_have_no_access(world, client_for, request, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(register_url(world.nbh)).status_code == 403
    assert client.get(dwelling_url(world.dwelling)).status_code == 403
    response = client.post(
        dwelling_url(world.dwelling, "neighborhoods:move_out"),
        {"occupancy": world.dwelling.occupancies.get().pk, "moved_out": "2014-02-10"},
    )
    assert response.status_code == 403
    assert world.dwelling.occupancies.current().exists()


def test_landlord_staff_cannot_see_or_change_another_landlords_register(
    world, other_landlord_user, client_for
):
    client = client_for(other_landlord_user)
    assert client.get(register_url(world.nbh)).status_code == 404
    assert client.get(dwelling_url(world.dwelling)).status_code == 404
    response = client.post(
        dwelling_url(world.dwelling, "neighborhoods:move_out"),
        {"occupancy": world.dwelling.occupancies.get().pk, "moved_out": "2014-02-10"},
    )
    assert response.status_code == 404
    assert world.dwelling.occupancies.current().exists()
    # Their own register is theirs.
    assert client.get(register_url(world.other_nbh)).status_code == 200


def test_coordinators_keep_every_register(world, coordinator, client_for):
    client = client_for(coordinator)
    assert client.get(register_url(world.other_nbh)).status_code == 200
    response = client.post(
        dwelling_url(world.other_dwelling, "neighborhoods:move_out"),
        {
            "occupancy": world.other_dwelling.occupancies.get().pk,
            "moved_out": "2014-02-10",
            "vacate": "on",
        },
    )
    assert response.status_code == 302


def test_a_dwelling_under_another_neighbourhoods_address_is_not_found(
    world, coordinator, client_for
):
    url = reverse("neighborhoods:dwelling", kwargs={"slug": world.nbh.slug, "pk": 999999})
    assert client_for(coordinator).get(url).status_code == 404
    url = reverse(
        "neighborhoods:dwelling", kwargs={"slug": world.nbh.slug, "pk": world.other_dwelling.pk}
    )
    assert client_for(coordinator).get(url).status_code == 404


def test_an_occupancy_of_another_dwelling_is_not_found(world, coordinator, client_for):
    other = world.other_dwelling.occupancies.get()
    url = dwelling_url(world.dwelling, "neighborhoods:occupancy_correct", occupancy=other.pk)
    assert client_for(coordinator).get(url).status_code == 404


def test_the_neighbourhood_page_links_to_its_register_for_those_who_keep_it(
    world, landlord_user, centre_user, client_for
):
    assert register_url(world.nbh) in (
        client_for(landlord_user).get(world.nbh.get_absolute_url()).content.decode()
    )
    assert register_url(world.nbh) not in (
        client_for(centre_user).get(world.nbh.get_absolute_url()).content.decode()
    )


def test_the_register_page_lists_the_registers_in_scope(world, landlord_user, client_for):
    page = client_for(landlord_user).get(reverse("neighborhoods:register_import"))
    assert register_url(world.nbh) in page.content.decode()
    assert register_url(world.other_nbh) not in page.content.decode()


# A dwelling's page ------------------------------------------------------------------------


def test_the_dwelling_page_shows_its_occupancies_and_every_change(
    world, landlord_user, client_for, vacant
):
    client = client_for(landlord_user)
    client.post(
        dwelling_url(vacant, "neighborhoods:move_in"),
        {"name": "Famille Kerjean", "moved_in": "2013-06-01"},
    )
    client.post(
        dwelling_url(vacant, "neighborhoods:move_out"),
        {"occupancy": vacant.occupancies.get().pk, "moved_out": "2014-01-31", "vacate": "on"},
    )
    client.post(
        dwelling_url(vacant, "neighborhoods:move_in"),
        {"name": "Famille Quéré", "moved_in": "2014-02-10", "phone": "06 12 34 56 78"},
    )
    response = client.get(dwelling_url(vacant))
    assert response.status_code == 200
    assert [
        (o.household.name, o.moved_in, o.moved_out) for o in response.context["occupancies"]
    ] == [
        ("Famille Quéré", D(2014, 2, 10), None),
        ("Famille Kerjean", D(2013, 6, 1), D(2014, 1, 31)),
    ]
    page = response.content.decode()
    assert "06 12 34 56 78" in page  # the contact of the household in place
    assert "Sortie le 31/01/2014" in page  # a reason in the history
    assert "Vacant → Occupé" in page
    assert reverse("neighborhoods:move_out", kwargs={"slug": world.nbh.slug, "pk": vacant.pk}) in (
        page
    )
    journal = response.context["journal"]
    assert journal[0]["user"] == landlord_user


@pytest.mark.parametrize("moves", [1, 20])
def test_the_dwelling_page_query_count_does_not_grow(
    world, landlord_user, client_for, moves, django_assert_max_num_queries, vacant
):
    from neighborhoods import moves as register_moves

    day = D(1990, 1, 1)
    for i in range(moves):
        occupancy, _done = register_moves.household_move_in(
            dwelling=vacant, name=f"Foyer {i}", moved_in=day, by=landlord_user
        )
        day += datetime.timedelta(days=300)
        register_moves.household_move_out(occupancy=occupancy, moved_out=day, by=landlord_user)
    client = client_for(landlord_user)
    # Session, user and organisation, the session's update, the dwelling, its occupancies, the
    # history of the dwelling and of its occupancies.
    with django_assert_max_num_queries(10):
        response = client.get(dwelling_url(vacant))
    assert len(response.context["occupancies"]) == moves


# Moves through the pages ------------------------------------------------------------------


def test_a_move_in_through_the_page(world, landlord_user, client_for, vacant):
    client = client_for(landlord_user)
    url = dwelling_url(vacant, "neighborhoods:move_in")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"name": "Famille Kerjean", "email": "kerjean@example.org", "moved_in": "2014-02-10"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == dwelling_url(vacant)
    assert (
        "Entrée du foyer Famille Kerjean le 10/02/2014 enregistrée : le logement "
        "KRR-B09-E1-0900 est occupé." in response.content.decode()
    )
    vacant.refresh_from_db()
    assert vacant.status == Status.OCCUPIED
    occupancy = vacant.occupancies.select_related("household").get()
    assert occupancy.household.email == "kerjean@example.org"
    assert occupancy.history.get().history_user == landlord_user


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"name": "Famille X", "phone": "0298000000", "email": "x@example.org"},
            "Un seul moyen de contact",
        ),
        ({"name": "Famille X", "phone": "appelez-moi"}, "Numéro de téléphone non reconnu"),
        # DRF's French catalogue (installed for the partner API) words Django's message.
        ({"name": "Famille X", "email": "pas-un-courriel"}, "adresse e-mail valide"),
        ({"name": "   "}, "Ce champ est obligatoire."),
        ({"name": "Famille X", "moved_in": "2099-01-01"}, "Cette date est dans le futur"),
        ({"name": "Famille X", "moved_in": "1850-01-01"}, "Indiquez une date après 1900."),
        ({"name": "Famille X", "moved_in": "2014-02-30"}, "Saisissez une date valide."),
    ],
)
def test_a_move_in_with_bad_input_is_refused_and_changes_nothing(
    world, landlord_user, client_for, vacant, data, message
):
    data = {"moved_in": "2014-02-10", **data}
    response = client_for(landlord_user).post(dwelling_url(vacant, "neighborhoods:move_in"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not vacant.occupancies.exists()
    assert not Household.objects.filter(name="Famille X").exists()


def test_a_move_in_refused_by_the_rules_shows_why(world, landlord_user, client_for):
    client = client_for(landlord_user)
    url = dwelling_url(world.dwelling, "neighborhoods:move_in")
    # The page says it before anything is typed...
    assert "Le foyer Famille Le Goff habite ce logement" in client.get(url).content.decode()
    # ...and the service refuses it when posted anyway.
    response = client.post(url, {"name": "Famille X", "moved_in": "2014-02-10"})
    assert response.status_code == 400
    assert "habite déjà le logement" in response.content.decode()
    assert world.dwelling.occupancies.count() == 1


def test_a_move_in_into_a_dwelling_out_of_service_is_refused_on_the_page(
    world, landlord_user, client_for
):
    dwelling = f.DwellingFactory(neighbourhood=world.nbh, status=Status.OUT_OF_SERVICE)
    client = client_for(landlord_user)
    url = dwelling_url(dwelling, "neighborhoods:move_in")
    assert "hors service" in client.get(url).content.decode()
    response = client.post(url, {"name": "Famille X", "moved_in": "2014-02-10"})
    assert response.status_code == 400
    assert "personne ne peut y entrer" in response.content.decode()
    assert not dwelling.occupancies.exists()


def test_a_move_out_through_the_page(world, landlord_user, client_for):
    occupancy = world.dwelling.occupancies.get()
    response = client_for(landlord_user).post(
        dwelling_url(world.dwelling, "neighborhoods:move_out"),
        {"occupancy": occupancy.pk, "moved_out": "2014-02-15", "vacate": "on"},
        follow=True,
    )
    assert (
        "Sortie du foyer Famille Le Goff le 15/02/2014 enregistrée. Le logement est vacant."
        in response.content.decode()
    )
    world.dwelling.refresh_from_db()
    assert world.dwelling.status == Status.VACANT


def test_a_move_out_without_the_box_ticked_leaves_the_dwelling_occupied(
    world, landlord_user, client_for
):
    client_for(landlord_user).post(
        dwelling_url(world.dwelling, "neighborhoods:move_out"),
        {"occupancy": world.dwelling.occupancies.get().pk, "moved_out": "2014-02-15"},
    )
    world.dwelling.refresh_from_db()
    assert world.dwelling.status == Status.OCCUPIED
    assert not world.dwelling.occupancies.current().exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"moved_out": "2007-01-01"}, "ne peut précéder l&#x27;entrée dans les lieux"),
        ({"moved_out": "2099-01-01"}, "Cette date est dans le futur"),
        ({"occupancy": "999999"}, "Cette occupation n&#x27;est pas celle de ce logement."),
        ({"occupancy": "abc"}, "Le formulaire est périmé"),
    ],
)
def test_a_move_out_with_bad_input_is_refused_and_changes_nothing(
    world, landlord_user, client_for, data, message
):
    occupancy = world.dwelling.occupancies.get()
    data = {"occupancy": occupancy.pk, "moved_out": "2014-02-15", "vacate": "on", **data}
    response = client_for(landlord_user).post(
        dwelling_url(world.dwelling, "neighborhoods:move_out"), data
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    occupancy.refresh_from_db()
    assert occupancy.moved_out is None


def test_the_move_out_page_says_when_nobody_lives_there(world, landlord_user, client_for, vacant):
    response = client_for(landlord_user).get(dwelling_url(vacant, "neighborhoods:move_out"))
    assert "Aucun foyer n&#x27;est en place dans ce logement." in response.content.decode()


def test_a_status_change_through_the_page(world, landlord_user, client_for, vacant):
    client = client_for(landlord_user)
    url = dwelling_url(vacant, "neighborhoods:dwelling_status")
    form = client.get(url).context["form"]
    assert [value for value, _label in form.fields["status"].choices] == [
        "occupied",
        "out_of_service",
    ]
    response = client.post(
        url,
        {"status": "out_of_service", "expected_status": "vacant", "reason": "Travaux"},
        follow=True,
    )
    assert "Logement KRR-B09-E1-0900 : statut « Hors service »." in response.content.decode()
    vacant.refresh_from_db()
    assert vacant.status == Status.OUT_OF_SERVICE
    assert vacant.history.latest().history_change_reason == "Statut « Hors service » : Travaux"


def test_a_status_change_is_refused_while_a_household_lives_there(world, landlord_user, client_for):
    client = client_for(landlord_user)
    url = dwelling_url(world.dwelling, "neighborhoods:dwelling_status")
    assert "il reste occupé" in client.get(url).content.decode()
    response = client.post(url, {"status": "vacant", "expected_status": "occupied"})
    assert response.status_code == 400
    assert "enregistrez d&#x27;abord sa sortie" in response.content.decode()
    world.dwelling.refresh_from_db()
    assert world.dwelling.status == Status.OCCUPIED


def test_a_correction_through_the_page(world, landlord_user, client_for):
    occupancy = world.dwelling.occupancies.get()
    url = dwelling_url(world.dwelling, "neighborhoods:occupancy_correct", occupancy=occupancy.pk)
    client = client_for(landlord_user)
    page = client.get(url).content.decode()
    assert 'value="2008-01-01"' in page
    response = client.post(url, {"moved_in": "2008-03-01", "moved_out": ""})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()
    response = client.post(
        url, {"moved_in": "2008-03-01", "moved_out": "", "reason": "Date du bail"}, follow=True
    )
    assert "Dates de l&#x27;occupation du foyer Famille Le Goff corrigées." in (
        response.content.decode()
    )
    occupancy.refresh_from_db()
    assert occupancy.moved_in == D(2008, 3, 1)
    assert "Correction : Date du bail" in response.content.decode()


def test_a_correction_that_overlaps_is_refused_on_the_page(world, landlord_user, client_for):
    dwelling = world.dwelling
    first = dwelling.occupancies.get()
    Occupancy.objects.filter(pk=first.pk).update(moved_out=D(2012, 1, 1))
    f.OccupancyFactory(dwelling=dwelling, moved_in=D(2012, 1, 1))
    url = dwelling_url(dwelling, "neighborhoods:occupancy_correct", occupancy=first.pk)
    response = client_for(landlord_user).post(
        url, {"moved_in": "2008-01-01", "moved_out": "2012-02-01", "reason": "Erreur"}
    )
    assert response.status_code == 400
    assert "chevauchent" in response.content.decode()
    first.refresh_from_db()
    assert first.moved_out == D(2012, 1, 1)


# Who pays the charge ----------------------------------------------------------------------


def test_a_move_in_recorded_on_the_page_makes_the_tenant_pay_the_next_months_charge(
    world, orgs, landlord_user, client_for
):
    """The charge follows the household in place on the 1st: before the move-in the landlord
    pays for the vacant dwelling, from the next month on the new household does."""
    from subscriptions.models import Charge, Offer, Payer, Tariff
    from subscriptions.services import charges_generate

    running = f.NeighbourhoodFactory(
        name="Keredern de test",
        landlord=orgs.landlord,
        centre=orgs.centre,
        stage=Neighbourhood.Stage.RUNNING,
        launched_on=D(2012, 4, 1),
    )
    dwelling = f.DwellingFactory(neighbourhood=running, status=Status.VACANT)
    operator = f.OrganisationFactory(name="Numericable", kind=Organisation.Kind.OPERATOR)
    offer = Offer.objects.create(operator=operator, name="NUMERISUN")
    Tariff.objects.create(offer=offer, amount=Decimal("1.00"), starts_on=D(2010, 1, 1))

    charges_generate(month=D(2014, 2, 1), by=User.objects.system())
    february = Charge.objects.get(dwelling=dwelling, month=D(2014, 2, 1))
    assert (february.payer, february.household) == (Payer.LANDLORD, None)

    client = client_for(landlord_user)
    response = client.post(
        dwelling_url(dwelling, "neighborhoods:move_in"),
        {"name": "Famille Arrivée", "moved_in": "2014-02-10"},
    )
    assert response.status_code == 302
    household = Household.objects.get(name="Famille Arrivée")

    charges_generate(month=D(2014, 3, 1), by=User.objects.system())
    march = Charge.objects.get(dwelling=dwelling, month=D(2014, 3, 1))
    assert (march.payer, march.household) == (Payer.TENANT, household)

    # And the move-out recorded on the page gives the charge back to the landlord.
    client.post(
        dwelling_url(dwelling, "neighborhoods:move_out"),
        {
            "occupancy": dwelling.occupancies.get().pk,
            "moved_out": "2014-03-20",
            "vacate": "on",
        },
    )
    charges_generate(month=D(2014, 4, 1), by=User.objects.system())
    april = Charge.objects.get(dwelling=dwelling, month=D(2014, 4, 1))
    assert (april.payer, april.household) == (Payer.LANDLORD, None)
