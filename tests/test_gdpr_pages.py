"""The coordinators' GDPR pages: namesakes told apart, anonymisation behind a confirmation page,
and a household's data readable in French beside the JSON."""

import datetime
import json

from django.urls import reverse

from tests import factories as f


def _namesakes(world):
    """Two households called Anne Le Gall, in two dwellings of two neighbourhoods."""
    first = f.HouseholdFactory(name="Anne Le Gall")
    f.OccupancyFactory(
        household=first,
        dwelling=world.dwellings[1],
        moved_in=datetime.date(2009, 5, 4),
        moved_out=datetime.date(2012, 7, 1),
    )
    second = f.HouseholdFactory(name="Anne Le Gall")
    elsewhere = f.DwellingFactory(neighbourhood=world.other_nbh)
    f.OccupancyFactory(household=second, dwelling=elsewhere, moved_in=datetime.date(2012, 9, 3))
    return first, second, elsewhere


def test_namesakes_are_told_apart_by_dwelling_neighbourhood_and_dates(
    client_for, coordinator, world
):
    first, second, elsewhere = _namesakes(world)
    page = client_for(coordinator).get(reverse("gdpr:households"), {"q": "Le Gall"})
    html = page.content.decode()
    assert html.count("1 homonyme") == 2
    former = f"{world.dwellings[1].reference} – Kerourien de test, du 04/05/2009 au 01/07/2012"
    assert former in html
    assert f"{elsewhere.reference} – Autre quartier, depuis le 03/09/2012" in html
    assert f"n° {first.pk}" in html and f"n° {second.pk}" in html


def test_anonymiser_opens_a_confirmation_page_and_changes_nothing(client_for, coordinator, world):
    first, _second, _elsewhere = _namesakes(world)
    client = client_for(coordinator)
    listing = client.get(reverse("gdpr:households")).content.decode()
    url = reverse("gdpr:household_anonymise", args=[first.pk])
    assert f'href="{url}"' in listing  # a link, no form on the list
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert world.dwellings[1].reference in html and "du 04/05/2009 au 01/07/2012" in html
    assert 'name="confirm"' in html and "définitif" in html
    first.refresh_from_db()
    assert first.name == "Anne Le Gall" and first.anonymised_at is None


def test_the_confirmation_page_refuses_without_the_box_then_anonymises_only_that_one(
    client_for, coordinator, world
):
    first, second, _elsewhere = _namesakes(world)
    client = client_for(coordinator)
    url = reverse("gdpr:household_anonymise", args=[first.pk])
    refused = client.post(url, {})
    assert refused.status_code == 200
    assert "Cochez la case de confirmation" in refused.content.decode()
    first.refresh_from_db()
    assert first.anonymised_at is None
    done = client.post(url, {"confirm": "yes"}, follow=True)
    assert "est anonymisé" in done.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.name == f"Foyer anonymisé n° {first.pk}"
    assert second.name == "Anne Le Gall" and second.anonymised_at is None
    again = client.get(url).content.decode()
    assert "déjà anonymisé" in again and 'name="confirm"' not in again


def _advice(world, coordinator):
    from support.models import AdviceRequest

    fields = {field.name for field in AdviceRequest._meta.get_fields()}
    return AdviceRequest.objects.create(
        household=world.household,
        neighbourhood=world.nbh,
        association=world.orgs.association,
        topic=AdviceRequest.Topic.choices[0][0],
        question="Puis-je résilier mon ancien contrat ?",
        **({"created_by": coordinator} if "created_by" in fields else {}),
    )


def test_the_readable_export_is_in_french_and_printable(client_for, coordinator, world):
    from support.models import AdviceRequest

    advice = _advice(world, coordinator)
    page = client_for(coordinator).get(reverse("gdpr:household_data", args=[world.household.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Données du foyer Famille Le Goff" in html
    assert (
        "Demandes de conseil juridique" in html
        or str(AdviceRequest._meta.verbose_name_plural).capitalize() in html
    )
    assert str(AdviceRequest.Topic.choices[0][1]) in html  # the choice's name, not its code
    assert "Puis-je résilier mon ancien contrat ?" in html
    assert f"{world.dwelling.reference} – Kerourien de test, depuis le 01/01/2008" in html
    assert "css/gdpr-export" in html and 'media="print"' in html
    assert coordinator.username not in html  # who keyed it is the staff's data
    # The JSON for machines stays, with the same record.
    data = json.loads(
        client_for(coordinator)
        .get(reverse("gdpr:household_export", args=[world.household.pk]))
        .content
    )
    assert [row["id"] for row in data["support.AdviceRequest"]] == [advice.pk]


def test_the_readable_export_writes_dates_out(world):
    from brest_internet.programme import gdpr

    world.household.created_at = datetime.datetime(2013, 12, 9, 10, 0, tzinfo=datetime.UTC)
    sections = gdpr.household_export_readable(household=world.household)
    identity = dict(sections[0].records[0])
    assert identity["Nom"] == "Famille Le Goff"
    assert identity["Créé le"].startswith("9 décembre 2013")
    assert identity["Anonymisé le"] == "—"


def test_the_gdpr_pages_keep_their_queries_constant(
    client_for, coordinator, world, django_assert_max_num_queries
):
    client = client_for(coordinator)
    _advice(world, coordinator)
    urls = [reverse("gdpr:households"), reverse("gdpr:household_data", args=[world.household.pk])]
    counts = []
    for url in urls:
        with django_assert_max_num_queries(40) as few:
            client.get(url)
        counts.append(len(few.captured_queries))
    for _ in range(12):
        household = f.HouseholdFactory(name="Famille Le Goff")
        f.OccupancyFactory(household=household, dwelling=f.DwellingFactory(neighbourhood=world.nbh))
        f.OccupancyFactory(
            household=world.household,
            dwelling=f.DwellingFactory(neighbourhood=world.nbh),
            moved_in=datetime.date(2001, 1, 1),
            moved_out=datetime.date(2001, 2, 1),
        )
        _advice(world, coordinator)
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            client.get(url)
