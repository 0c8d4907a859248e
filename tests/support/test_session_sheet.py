"""The printable attendance sheet of a session (names in alphabetical order, an empty column
to sign, its date and place), the waiting list in its order on the session page, and the
household's phone on a home-help visit's page for the visitor."""

import datetime

from django.urls import reverse

from support import services as s
from support.models import HomeHelpRequest


def _sign_up(session, households, by):
    return [s.registration_create(session=session, household=h, by=by) for h in households]


def test_the_sheet_lists_names_in_order_with_room_to_sign(
    world, centre_user, client_for, make_session, households
):
    session = make_session(capacity=3)
    people = households(5)
    for household, name in zip(
        people, ["Morvan", "Abgrall", "Le Bris", "Tanguy", "Cadiou"], strict=True
    ):
        household.name = f"Famille {name}"
        household.save(update_fields=["name"])
    _sign_up(session, people, centre_user)
    page = client_for(centre_user).get(reverse("support:session_sheet", args=[session.pk]))
    html = page.content.decode()
    table = html.split('id="emargement"', 1)[1].split("</table>", 1)[0]
    names = [n for n in ["Abgrall", "Le Bris", "Morvan"] if n in table]
    assert names == ["Abgrall", "Le Bris", "Morvan"]
    assert table.index("Abgrall") < table.index("Le Bris") < table.index("Morvan")
    assert table.count('<td class="sheet-sign"></td>') == 3
    assert "Tanguy" not in table and "Cadiou" not in table
    waiting = html.split('id="liste-attente"', 1)[1].split("</ol>", 1)[0]
    assert waiting.index("Tanguy") < waiting.index("Cadiou")  # the order they signed up in
    assert session.facilitator in html
    assert "support/sheet.css" in html


def test_the_session_page_shows_the_waiting_list_in_order(
    world, centre_user, client_for, make_session, households
):
    session = make_session(capacity=1)
    first, second, third = households(3)
    _sign_up(session, [first, third, second], centre_user)
    html = client_for(centre_user).get(session.get_absolute_url()).content.decode()
    waiting = html.split('id="liste-attente"', 1)[1].split("</ol>", 1)[0]
    assert first.name not in waiting
    assert waiting.index(third.name) < waiting.index(second.name)
    assert reverse("support:session_sheet", args=[session.pk]) in html


def test_another_centre_gets_404_for_the_sheet(world, other_centre_user, client_for, make_session):
    session = make_session()
    url = reverse("support:session_sheet", args=[session.pk])
    assert client_for(other_centre_user).get(url).status_code == 404


def test_the_sheet_keeps_its_queries(
    world, centre_user, client_for, make_session, households, django_assert_max_num_queries
):
    session = make_session(capacity=50)
    client = client_for(centre_user)
    url = reverse("support:session_sheet", args=[session.pk])
    _sign_up(session, households(2), centre_user)
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    _sign_up(session, households(20), centre_user)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_the_visitor_sees_the_households_phone(world, centre_user, client_for):
    world.household.phone = "06 11 22 33 44"
    world.household.save(update_fields=["phone"])
    req = HomeHelpRequest.objects.create(
        household=world.household,
        neighbourhood=world.nbh,
        dwelling=world.dwelling,
        kind=HomeHelpRequest.Kind.MODEM,
        requested_on=datetime.date(2014, 2, 5),
    )
    html = client_for(centre_user).get(req.get_absolute_url()).content.decode()
    phone = html.split('id="telephone"', 1)[1].split("</dd>", 1)[0]
    assert 'href="tel:0611223344"' in phone and "06 11 22 33 44" in phone
