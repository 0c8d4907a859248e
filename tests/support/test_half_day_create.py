"""Centre staff programme the launch half-days of the neighbourhoods their centre serves,
and only those; who did it is in the half-day's history."""

import datetime

import pytest
from django.urls import reverse

from neighborhoods.models import Meeting
from support import services as s

URL = reverse("support:half_day_create")
DAY = datetime.date.today() + datetime.timedelta(days=20)


def test_centre_staff_create_a_half_day_of_their_neighbourhood(world, centre_user, client_for):
    response = client_for(centre_user).post(
        URL,
        {
            "neighbourhood": world.nbh.pk,
            "held_on": DAY.isoformat(),
            "starts_at": "14:00",
            "ends_at": "17:30",
            "place": "Maison de quartier",
        },
    )
    half_day = Meeting.objects.get(kind=Meeting.Kind.LAUNCH)
    assert response.url == reverse("support:half_day_desk", args=[half_day.pk])
    assert (half_day.neighbourhood, half_day.held_on, half_day.place) == (
        world.nbh,
        DAY,
        "Maison de quartier",
    )
    assert half_day.history.get().history_user == centre_user
    assert list(half_day.organisations.all()) == [world.orgs.centre]
    listed = client_for(centre_user).get(reverse("support:half_day_list")).content.decode()
    assert "Maison de quartier" in listed


def test_another_centres_neighbourhood_is_refused_in_french(world, centre_user, client_for):
    page = client_for(centre_user).post(
        URL, {"neighbourhood": world.other_nbh.pk, "held_on": DAY.isoformat()}
    )
    assert page.status_code == 200
    assert "Votre centre ne sert pas ce quartier" in page.content.decode()
    assert not Meeting.objects.filter(kind=Meeting.Kind.LAUNCH).exists()
    form = client_for(centre_user).get(URL).context["form"]
    assert list(form.fields["neighbourhood"].queryset) == [world.nbh]


def test_the_service_refuses_outside_the_centre(world, centre_user):
    with pytest.raises(s.SupportError, match="ne sert pas le quartier"):
        s.half_day_create(neighbourhood=world.other_nbh, held_on=DAY, by=centre_user)
    assert not Meeting.objects.exists()


def test_the_end_follows_the_start(world, centre_user):
    with pytest.raises(s.SupportError, match="La fin doit suivre"):
        s.half_day_create(
            neighbourhood=world.nbh,
            held_on=DAY,
            starts_at=datetime.time(15),
            ends_at=datetime.time(14),
            by=centre_user,
        )


def test_landlord_staff_are_refused(client_for, landlord_user, world):
    assert client_for(landlord_user).get(URL).status_code == 403
