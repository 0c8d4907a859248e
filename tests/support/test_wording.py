"""Support pages in French that reads right: a person signed up whatever the gender, seats in
the singular and the plural."""

import datetime

from django.urls import reverse


def test_signing_up_a_person_reads_right_whatever_the_gender(
    make_session, world, centre_user, client_for
):
    from neighborhoods.models import Occupancy
    from tests import factories as f

    anne = f.HouseholdFactory(name="Anne Le Gall")
    Occupancy.objects.create(
        household=anne, dwelling=world.dwellings[2], moved_in=datetime.date(2009, 1, 1)
    )
    session = make_session()
    response = client_for(centre_user).post(
        reverse("support:session_sign_up", args=[session.pk]), {"household": anne.pk}, follow=True
    )
    html = response.content.decode()
    assert "Inscription enregistrée : Anne Le Gall." in html
    assert "Anne Le Gall est inscrit" not in html


def test_seats_are_counted_in_the_singular_and_the_plural(make_session):
    from support.forms import HalfDayForm

    session = make_session(capacity=2)
    session.registered_count = 1
    assert HalfDayForm.session_label(session).endswith("(1 place)")
    session.registered_count = 0
    assert HalfDayForm.session_label(session).endswith("(2 places)")
