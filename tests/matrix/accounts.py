"""The coordinators' account pages and the password pages (reset, change)."""

from . import FORBIDDEN, NOT_ALLOWED, OK, STAFF_ROLES, Row, access, everyone

ROWS = [
    Row("password_reset", get=everyone(OK), post=everyone(OK)),
    Row("password_reset_done", get=everyone(OK), post=everyone(NOT_ALLOWED)),
    # A link with a wrong token shows "ce lien ne fonctionne plus" to anyone.
    Row(
        "password_reset_confirm",
        get=everyone(OK),
        post=everyone(OK),
        kwargs=lambda w: {"uidb64": "MQ", "token": "faux-jeton"},
    ),
    Row("password_reset_complete", get=everyone(OK), post=everyone(NOT_ALLOWED)),
    # Any logged-in person changes their own password (an empty form is redisplayed).
    Row("password_change", get=access(*STAFF_ROLES), post=access(*STAFF_ROLES)),
    Row(
        "password_change_done",
        get=access(*STAFF_ROLES),
        post=access(others=NOT_ALLOWED),
    ),
    # The code page of the two-factor login: for the roles it protects.
    Row(
        "two_factor",
        get=access("coordinator", "landlord"),
        post=access("coordinator", "landlord"),
    ),
    Row(
        "accounts:list",
        get=access("coordinator"),
        post=access(others=FORBIDDEN, coordinator=NOT_ALLOWED),
    ),
    Row("accounts:create", get=access("coordinator"), post=access("coordinator")),
    Row(
        "accounts:detail",
        get=access("coordinator"),
        post=access(others=FORBIDDEN, coordinator=NOT_ALLOWED),
        kwargs=lambda w: {"pk": w.account.pk},
    ),
    Row(
        "accounts:deactivate",
        get=access(others=FORBIDDEN, coordinator=NOT_ALLOWED),
        post=access("coordinator"),
        kwargs=lambda w: {"pk": w.account.pk},
    ),
    Row(
        "accounts:reactivate",
        get=access(others=FORBIDDEN, coordinator=NOT_ALLOWED),
        post=access("coordinator"),
        kwargs=lambda w: {"pk": w.account.pk},
    ),
    # Both answer with a redirect to the account's page, done or refused with a message.
    Row(
        "accounts:resend_invitation",
        get=access(others=FORBIDDEN, coordinator=NOT_ALLOWED),
        post=access("coordinator"),
        kwargs=lambda w: {"pk": w.account.pk},
    ),
    Row(
        "accounts:reset_second_factor",
        get=access(others=FORBIDDEN, coordinator=NOT_ALLOWED),
        post=access("coordinator"),
        kwargs=lambda w: {"pk": w.account.pk},
    ),
]


def populate(world):
    from neighborhoods.models import User
    from tests.factories import UserFactory

    world.account = UserFactory(
        username="compte-gere",
        organisation=world.nbh.centre,
        role=User.Role.CENTRE,
    )
