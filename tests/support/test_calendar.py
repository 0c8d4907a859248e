"""Calendar files of the workshops: a session's .ics, a centre's feed with its secret address."""

import datetime
import zoneinfo

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from neighborhoods.models import User
from support import calendar as ics
from support import services
from support.models import CentreCalendar, WorkshopSession

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def parse(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar):
    return list(calendar.walk("VEVENT"))


def only_event(response):
    [event] = events(parse(response))
    return event


def session_file(client, session):
    return client.get(reverse("support:session_ics", args=[session.pk]))


def feed_url(calendar):
    return reverse("support:calendar_feed", kwargs={"token": calendar.token})


def seconds(value):
    return value.replace(microsecond=0)


def sign_up(session, households, by):
    for household in households:
        services.registration_create(session=session, household=household, by=by)


def test_a_sessions_file_carries_the_workshop_place_times_and_centre(
    client_for, centre_user, make_session, households
):
    session = make_session(capacity=1, days=7)
    WorkshopSession.objects.filter(pk=session.pk).update(place="Salle polyvalente")  # as made
    sign_up(session, households(2), centre_user)  # one seat, one on the waiting list
    ics.calendar_contact_set(
        centre=session.centre, contact="accueil@centre.example", by=User.objects.system()
    )

    response = session_file(client_for(centre_user), session)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="atelier-{session.pk}.ics"'
    event = only_event(response)
    assert str(event["SUMMARY"]) == "Premiers pas sur Internet"
    assert str(event["LOCATION"]) == "Centre social de test – Salle polyvalente"
    assert event["UID"] == f"atelier-{session.pk}@internet-pour-tous.brest"
    assert event.start == seconds(session.starts_at) and event.end == seconds(session.ends_at)
    assert event.start.tzinfo.key == "Europe/Paris"  # with its VTIMEZONE in the file
    assert parse(session_file(client_for(centre_user), session)).walk("VTIMEZONE")
    assert event["STATUS"] == "CONFIRMED" and event["SEQUENCE"] == 0
    assert str(event["ORGANIZER"]) == "mailto:accueil@centre.example"
    assert event["ORGANIZER"].params["CN"] == "Centre social de test"
    description = str(event["DESCRIPTION"])
    assert "accueil@centre.example" in description
    # Nothing that names a household nor the staff, no count: the file may be handed over.
    for household in session.registrations.select_related("household"):
        assert household.household.name not in response.content.decode()
    assert "Malo" not in response.content.decode()
    assert "inscrit" not in description


def test_a_moved_session_keeps_its_uid_and_raises_its_sequence(
    client_for, centre_user, make_session
):
    session = make_session(days=7)
    client = client_for(centre_user)
    before = only_event(session_file(client, session))
    later = session.starts_at + datetime.timedelta(days=2, hours=1)
    services.session_update(
        session=session,
        changes={"starts_at": later, "ends_at": later + datetime.timedelta(hours=3)},
        by=centre_user,
    )
    after = only_event(session_file(client, session))
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after.start == seconds(later)
    assert after.end == seconds(later + datetime.timedelta(hours=3))
    assert after.start.astimezone(PARIS).hour == later.astimezone(PARIS).hour

    # Nothing changed: same version.
    services.session_update(session=session, changes={"starts_at": later}, by=centre_user)
    assert only_event(session_file(client, session))["SEQUENCE"] == after["SEQUENCE"]


def test_a_cancelled_session_is_cancelled_in_the_file(client_for, centre_user, make_session):
    session = make_session(days=7)
    services.session_cancel(session=session, reason="Animateur malade.", by=centre_user)
    event = only_event(session_file(client_for(centre_user), session))
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert "Animateur malade" not in str(event["DESCRIPTION"])  # the reason stays inside


def test_the_session_page_links_to_its_file(client_for, centre_user, make_session):
    session = make_session()
    page = client_for(centre_user).get(session.get_absolute_url()).content.decode()
    assert reverse("support:session_ics", args=[session.pk]) in page
    assert "Ajouter à mon agenda" in page


def test_another_centre_cannot_get_a_sessions_file(
    client_for, other_centre_user, association_user, make_session
):
    session = make_session()
    assert session_file(client_for(other_centre_user), session).status_code == 404
    assert session_file(client_for(association_user), session).status_code == 403
    assert session_file(Client(), session).status_code == 302  # to the login page


def test_the_feed_lists_the_centres_sessions_with_counts_and_no_names(
    centre_user, make_session, households, world
):
    coming = make_session(capacity=1, days=3)
    recent = make_session(days=-7 * 3)
    old = make_session(days=-7 * (ics.FEED_WEEKS_BACK + 2))
    elsewhere = make_session(nbh=world.other_nbh)
    signed_up = households(3)
    sign_up(coming, signed_up, centre_user)
    calendar = ics.calendar_token_regenerate(centre=coming.centre, by=centre_user)

    response = Client().get(feed_url(calendar))  # no session cookie: a calendar app
    assert response.status_code == 200
    assert "Content-Disposition" not in response
    by_uid = {str(e["UID"]): e for e in events(parse(response))}
    assert set(by_uid) == {ics.session_uid(coming), ics.session_uid(recent)}
    assert ics.session_uid(old) not in by_uid and ics.session_uid(elsewhere) not in by_uid
    description = str(by_uid[ics.session_uid(coming)]["DESCRIPTION"])
    assert "1 inscrit sur 1 place" in description
    assert "2 foyers en liste d'attente" in description
    content = response.content.decode()
    for household in signed_up:
        assert household.name not in content


def test_a_wrong_feed_token_is_not_found(centre_user, orgs):
    ics.calendar_token_regenerate(centre=orgs.centre, by=centre_user)
    response = Client().get(reverse("support:calendar_feed", kwargs={"token": "x" * 43}))
    assert response.status_code == 404


def test_a_new_address_closes_the_old_one(client_for, centre_user, orgs):
    first = ics.calendar_token_regenerate(centre=orgs.centre, by=centre_user)
    old_url = feed_url(first)
    client = client_for(centre_user)
    page = client.get(reverse("support:calendar_detail", args=[orgs.centre.pk])).content.decode()
    assert old_url in page
    response = client.post(reverse("support:calendar_regenerate", args=[orgs.centre.pk]))
    assert response.status_code == 302
    calendar = CentreCalendar.objects.get(centre=orgs.centre)
    assert calendar.token != first.token and calendar.token_set_by == centre_user
    assert Client().get(old_url).status_code == 404
    assert Client().get(feed_url(calendar)).status_code == 200
    # The history says who drew a new address, and never keeps the secret.
    record = calendar.history.first()
    assert record.history_user == centre_user
    assert not hasattr(record, "token")


def test_a_centre_manages_only_its_own_calendar(client_for, other_centre_user, centre_user, orgs):
    first = ics.calendar_token_regenerate(centre=orgs.centre, by=centre_user)
    other = client_for(other_centre_user)
    assert other.get(reverse("support:calendar_detail", args=[orgs.centre.pk])).status_code == 404
    response = other.post(reverse("support:calendar_regenerate", args=[orgs.centre.pk]))
    assert response.status_code == 404
    assert CentreCalendar.objects.get(centre=orgs.centre).token == first.token
    index = other.get(reverse("support:calendar_index"))
    assert index["Location"] == reverse("support:calendar_detail", args=[orgs.other_centre.pk])


def test_a_coordinator_creates_a_centres_address_and_sets_its_contact(
    client_for, coordinator, orgs
):
    client = client_for(coordinator)
    index = client.get(reverse("support:calendar_index")).content.decode()
    detail = reverse("support:calendar_detail", args=[orgs.centre.pk])
    assert detail in index
    assert "pas encore d'adresse" in client.get(detail).content.decode()
    assert not CentreCalendar.objects.exists()  # opening the page creates nothing
    client.post(reverse("support:calendar_regenerate", args=[orgs.centre.pk]))
    assert CentreCalendar.objects.filter(centre=orgs.centre).exists()
    client.post(detail, {"contact": "  02 98 00 00 00 "})
    calendar = CentreCalendar.objects.get(centre=orgs.centre)
    assert calendar.contact == "02 98 00 00 00"
    too_long = client.post(detail, {"contact": "9" * 151})
    assert too_long.status_code == 200 and "150 caractères" in too_long.content.decode()
    assert CentreCalendar.objects.get(centre=orgs.centre).contact == "02 98 00 00 00"


def test_a_place_that_names_its_centre_is_not_repeated(client_for, centre_user, make_session):
    session = make_session()
    place = "Centre social de test – salle multimédia"
    WorkshopSession.objects.filter(pk=session.pk).update(place=place)
    event = only_event(session_file(client_for(centre_user), session))
    assert str(event["LOCATION"]) == place


def test_a_phone_contact_goes_in_the_description_not_as_organizer(
    client_for, centre_user, make_session
):
    session = make_session()
    ics.calendar_contact_set(centre=session.centre, contact="02 98 00 00 00", by=centre_user)
    event = only_event(session_file(client_for(centre_user), session))
    assert "ORGANIZER" not in event
    assert "Contact : 02 98 00 00 00" in str(event["DESCRIPTION"])


def test_one_calendar_per_centre_and_a_long_random_token(orgs):
    CentreCalendar.objects.create(centre=orgs.centre)
    with pytest.raises(IntegrityError), transaction.atomic():
        CentreCalendar.objects.create(centre=orgs.centre)
    with pytest.raises(IntegrityError), transaction.atomic():
        CentreCalendar.objects.create(centre=orgs.other_centre, token="court")
    assert len(ics.new_calendar_token()) >= 43


@pytest.mark.parametrize("sessions", [2, 25])
def test_the_feed_and_the_file_queries_do_not_grow_with_sessions(
    sessions, centre_user, make_session, households, django_assert_max_num_queries
):
    made = [make_session(capacity=3, days=d + 1) for d in range(sessions)]
    for session in made[:5]:
        sign_up(session, households(2), centre_user)
        services.session_update(session=session, changes={"place": "Salle B"}, by=centre_user)
    calendar = ics.calendar_token_regenerate(centre=made[0].centre, by=centre_user)
    with django_assert_max_num_queries(3):
        response = Client().get(feed_url(calendar))
    assert len(events(parse(response))) == sessions
    client = Client()
    client.force_login(centre_user)
    with django_assert_max_num_queries(8):
        assert session_file(client, made[0]).status_code == 200
