"""The dashboard's CSV carries no live formula, and its figures stay numbers."""

import csv
import io

from django.urls import reverse

from neighborhoods.models import Neighbourhood

HOSTILE = '=HYPERLINK("http://x","clic")'


def test_dashboard_csv_shows_a_formula_typed_as_a_neighbourhood_name_as_text(
    small, coordinator, client_for
):
    Neighbourhood.objects.filter(name="Alpha").update(name=HOSTILE)
    response = client_for(coordinator).get(reverse("dashboard:export_csv"), {"annee": 2013})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    values = {(r[0], r[1], r[2], r[3]): r[4] for r in rows[1:]}
    assert values[("Accompagnement", "'" + HOSTILE, "Taux de présence (%)", "2013")] == "66,7"
    assert not [r for r in rows if r[1].startswith("=")]
