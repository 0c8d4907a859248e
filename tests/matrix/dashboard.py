"""Permission-matrix rows of the dashboard and the neighbourhood reviews.

The dashboard and its export are for coordinators. Reviews are written by coordinators and
read by the partners of the neighbourhood (landlord, centre, tenants' associations); a review of
a neighbourhood outside the reader's scope answers 404.
"""

import datetime

from brest_internet.programme.models import Review
from neighborhoods.models import User
from tests import factories as f

from . import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, STAFF_ROLES, Row, access

COORDINATOR_ONLY_GET = access("coordinator")
COORDINATOR_ONLY_POST = access("coordinator") | {"coordinator": NOT_ALLOWED}
READERS = access(*STAFF_ROLES, other_centre=NOT_FOUND, other_association=NOT_FOUND)


def _review_data(start, end):
    return lambda world: {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "findings": "Les ateliers sont pleins.",
        "next_steps": "Ouvrir une seconde séance le samedi.",
    }


ROWS = [
    Row("dashboard:index", get=COORDINATOR_ONLY_GET, post=COORDINATOR_ONLY_POST),
    Row("dashboard:export_csv", get=COORDINATOR_ONLY_GET, post=COORDINATOR_ONLY_POST),
    Row(
        "dashboard:review_list",
        get=access(*STAFF_ROLES),
        post=access(others=NOT_ALLOWED),
    ),
    Row(
        "dashboard:review_detail",
        get=READERS,
        post=access(others=NOT_ALLOWED),
        kwargs=lambda w: {"pk": w.review.pk},
    ),
    Row(
        "dashboard:review_edit",
        get=access("coordinator", others=FORBIDDEN),
        post=access("coordinator", others=FORBIDDEN),
        kwargs=lambda w: {"pk": w.review.pk},
        data=_review_data(datetime.date(2013, 1, 1), datetime.date(2013, 12, 31)),
    ),
    Row(
        "dashboard:review_create",
        get=access("coordinator", others=FORBIDDEN),
        post=access("coordinator", others=FORBIDDEN),
        kwargs=lambda w: {"slug": w.nbh.slug},
        data=_review_data(datetime.date(2014, 1, 1), datetime.date(2014, 1, 31)),
    ),
]


def populate(world):
    """A review of `world.nbh`, written by a coordinator."""
    author = f.UserFactory(
        username="redactrice-bilan", organisation=world.orgs.city, role=User.Role.COORDINATOR
    )
    world.review = Review.objects.create(
        neighbourhood=world.nbh,
        period_start=datetime.date(2013, 1, 1),
        period_end=datetime.date(2013, 12, 31),
        findings="Constats",
        next_steps="Suites",
        author=author,
    )
