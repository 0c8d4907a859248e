"""Permission-matrix rows of the votes app.

Organising a vote: landlord staff and coordination (role checked first: 403 for the others;
another landlord's vote: 404). Certification: coordination only. Results: every role, in its
scope (another centre's or association's neighbourhood: 404). The online ballot: everyone.
"""

import datetime

from . import LOGIN, NOT_ALLOWED, NOT_FOUND, OK, STAFF_ROLES, Row, access, everyone

MANAGE = ("coordinator", "landlord")


def _vote(world):
    return {"pk": world.vote.pk}


def _post_only(*roles):
    return {"get": everyone(NOT_ALLOWED), "post": access(*roles)}


ROWS = [
    Row(
        "votes:list",
        get=access(*MANAGE),
        post=access(coordinator=NOT_ALLOWED, landlord=NOT_ALLOWED),
    ),
    Row("votes:create", get=access(*MANAGE), post=access(*MANAGE)),
    Row(
        "votes:detail",
        get=access(*MANAGE),
        post=access(coordinator=NOT_ALLOWED, landlord=NOT_ALLOWED),
        kwargs=_vote,
    ),
    Row(
        "votes:edit",
        get=access(*MANAGE),
        post=access(*MANAGE),
        kwargs=lambda w: {"pk": w.draft_vote.pk},
    ),
    Row("votes:cancel", get=access(*MANAGE), post=access(*MANAGE), kwargs=_vote),
    Row("votes:roll_freeze", **_post_only(*MANAGE), kwargs=_vote),
    Row(
        "votes:participations",
        **_post_only(*MANAGE),
        kwargs=_vote,
        data=lambda w: {
            "channel": "paper",
            "station": "Bureau 1",
            "references": w.vote_roll_entry.reference,
        },
    ),
    Row("votes:count_enter", **_post_only(*MANAGE), kwargs=_vote),
    Row(
        "votes:count_confirm",
        **_post_only(*MANAGE),
        kwargs=lambda w: {"pk": w.vote.pk, "count_pk": w.vote_count.pk},
    ),
    Row("votes:codes", **_post_only(*MANAGE), kwargs=_vote),
    # A lost letter: the form, then (POST) the new letter or the form with its refusal.
    Row(
        "votes:code_reissue",
        get=access(*MANAGE),
        post=access(*MANAGE),
        kwargs=_vote,
        data=lambda w: {"reference": w.vote_roll_entry.reference, "confirm": "on"},
    ),
    # GET: the confirmation page; POST: certifies only with its confirmation (else redirected).
    # Landlord staff get a 403 page that says who certifies and why they do not.
    Row("votes:certify", get=access("coordinator"), post=access("coordinator"), kwargs=_vote),
    Row("votes:ballot", get=everyone(OK), post=everyone(OK)),
    Row(
        "votes:results",
        get=access(*STAFF_ROLES),
        post=access(others=NOT_ALLOWED),
    ),
    Row(
        "votes:results_csv",
        get=access(*STAFF_ROLES),
        post=access(others=NOT_ALLOWED),
    ),
    Row(
        "votes:result",
        get=access(*STAFF_ROLES, other_centre=NOT_FOUND, other_association=NOT_FOUND),
        post=access(others=NOT_ALLOWED, anonymous=LOGIN),
        kwargs=lambda w: {"pk": w.certified_vote.pk},
    ),
]


def populate(world):
    """A certified vote and an open one (with a count awaiting confirmation) in `world.nbh`,
    and a draft in another neighbourhood of the same landlord."""
    from neighborhoods.models import Neighbourhood, User
    from tests.factories import NeighbourhoodFactory, UserFactory
    from votes.models import PaperCount, RollEntry, Vote

    today = datetime.date.today()
    clerk = UserFactory(
        username="matrice-bailleur", organisation=world.orgs.landlord, role=User.Role.LANDLORD
    )
    world.certified_vote = Vote.objects.create(
        neighbourhood=world.nbh,
        roll_date=datetime.date(2013, 11, 1),
        opens_on=datetime.date(2013, 12, 9),
        closes_on=datetime.date(2013, 12, 13),
        status=Vote.Status.CERTIFIED,
        created_by=clerk,
        roll_size=3,
        roll_fingerprint="0" * 64,
        voters=2,
        yes_count=2,
        certified_on=datetime.date(2013, 12, 18),
    )
    world.vote = Vote.objects.create(
        neighbourhood=world.nbh,
        roll_date=today - datetime.timedelta(days=10),
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today,
        status=Vote.Status.FROZEN,
        created_by=clerk,
        roll_size=3,
        roll_fingerprint="1" * 64,
    )
    # One dwelling on the open vote's roll, for a sign-in that goes through.
    world.vote_roll_entry = RollEntry.objects.create(
        vote=world.vote, dwelling=world.dwelling, reference=world.dwelling.reference
    )
    world.draft_vote = Vote.objects.create(
        neighbourhood=NeighbourhoodFactory(
            name="Quartier au vote en préparation",
            landlord=world.orgs.landlord,
            stage=Neighbourhood.Stage.VOTE,
        ),
        roll_date=today + datetime.timedelta(days=10),
        opens_on=today + datetime.timedelta(days=20),
        closes_on=today + datetime.timedelta(days=22),
        created_by=clerk,
    )
    world.vote_count = PaperCount.objects.create(
        vote=world.vote, station="Bureau 1", yes=1, no=0, blank=0, spoiled=0, entered_by=clerk
    )
