"""The vote files (results, codes for the mail merge) carry no live formula."""

import csv
import io

from django.urls import reverse

from neighborhoods.models import Dwelling, Neighbourhood
from votes.models import Vote

from .test_views import certified_vote

HOSTILE = '=HYPERLINK("http://x","clic")'


def rows_of(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_results_csv_shows_a_formula_typed_as_a_name_as_text(
    nbh, landlord_user, coordinator, client_for, association_user
):
    # The results carry the name as certified: typed before the certification.
    Neighbourhood.objects.filter(pk=nbh.pk).update(name=HOSTILE)
    nbh.refresh_from_db()
    certified_vote(nbh, landlord_user, coordinator, yes=2, no=1)
    rows = rows_of(client_for(association_user).get(reverse("votes:results_csv")))
    assert rows[1][0] == "'" + HOSTILE
    # The figures are still numbers.
    assert rows[1][4:7] == ["10", "3", "30,0"]


def test_codes_csv_shows_formulas_typed_in_the_register_as_text(
    make_vote, nbh, client_for, landlord_user
):
    Dwelling.objects.filter(neighbourhood=nbh).update(address="+" + HOSTILE)
    Neighbourhood.objects.filter(pk=nbh.pk).update(name=HOSTILE)
    vote = make_vote(method=Vote.Method.ONLINE)
    response = client_for(landlord_user).post(reverse("votes:codes", args=[vote.pk]))
    rows = rows_of(response)[1:]
    assert len(rows) == vote.roll_size
    assert {row[1] for row in rows} == {"'+" + HOSTILE}
    assert {row[2] for row in rows} == {"'" + HOSTILE}
