"""The household page's deliveries and the staff list of failures: scoped, and their number
of SQL queries does not grow with the deliveries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from brest_internet.notices.models import Delivery, Notice

from .conftest import daytime


def grow(household, n, status=Delivery.Status.FAILED):
    from django.contrib.contenttypes.models import ContentType

    about_type = ContentType.objects.get_for_model(household)
    start = Notice.objects.count()
    for i in range(n):
        notice = Notice.objects.create(
            kind=Notice.Kind.COMPUTER_READY,
            household=household,
            about_type=about_type,
            about_id=household.pk,
            occasion=str(start + i),
        )
        for channel in ("email", "sms"):
            Delivery.objects.create(
                notice=notice,
                household=household,
                channel=channel,
                address="x",
                body="…",
                status=status,
                error="SmsError: 503",
                sent_at=daytime(0),
            )


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_household_page_shows_its_deliveries_in_constant_queries(
    world, client_for, centre_user, consent
):
    consent(world.household)
    client = client_for(centre_user)
    url = reverse("support:household_detail", kwargs={"pk": world.household.pk})
    grow(world.household, 2)
    small, html = queries(client, url)
    assert "Avis envoyés" in html and "SmsError: 503" in html
    grow(world.household, 30)
    large, _html = queries(client, url)
    assert large <= small


def test_household_page_reads_its_notices_once_and_titles_only_its_name(
    world, client_for, centre_user, consent
):
    consent(world.household)
    grow(world.household, 2)
    url = reverse("support:household_detail", kwargs={"pk": world.household.pk})
    with CaptureQueriesContext(connection) as ctx:
        html = client_for(centre_user).get(url).content.decode()
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert world.household.name in title
    assert "Avis envoyés" not in title and "<" not in title  # no section in the tab's name
    assert html.count('<h2 id="envois"') == 1
    for table in ("notices_contact", "notices_consentevent", "notices_delivery"):
        # the consent line and the deliveries share one read of each
        assert sum(f'FROM "{table}"' in q["sql"] for q in ctx.captured_queries) == 1, table


def test_failures_list_in_constant_queries_and_scoped(
    world, client_for, centre_user, other_centre_user
):
    grow(world.household, 2)
    grow(world.other_household, 1, status=Delivery.Status.BOUNCED)
    client = client_for(centre_user)
    small, html = queries(client, reverse("notices:failures"))
    assert world.household.name in html
    assert world.other_household.name not in html
    grow(world.household, 30)
    large, _html = queries(client, reverse("notices:failures"))
    assert large <= small
    _n, other = queries(client_for(other_centre_user), reverse("notices:failures"))
    assert world.other_household.name in other and world.household.name not in other


def test_sent_deliveries_are_not_failures(world, client_for, coordinator):
    grow(world.household, 1, status=Delivery.Status.SENT)
    _n, html = queries(client_for(coordinator), reverse("notices:failures"))
    assert "Aucun avis en échec." in html
