"""Permission-matrix rows of the notices.

The consent line is posted by the staff who may see the household (its centre, the
coordination); another centre gets 404. The list of failures is for the staff of any centre
(each sees its own households). The providers' webhooks are public but need the secret in
their URL: a wrong one answers 404 to everyone (GET is 405 before anything is read).
"""

from . import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, Row, access, everyone

STAFF = ("coordinator", "centre", "other_centre")

ROWS = [
    Row(
        "notices:consent_record",
        get=access(others=FORBIDDEN, **dict.fromkeys(STAFF, NOT_ALLOWED)),
        post=access("coordinator", "centre", other_centre=NOT_FOUND),
        kwargs=lambda w: {"pk": w.household.pk},
        data=lambda w: {"email": "", "phone": "", "language": "fr", "source": "desk"},
    ),
    Row(
        "notices:failures",
        get=access(*STAFF),
        post=access(others=FORBIDDEN, **dict.fromkeys(STAFF, NOT_ALLOWED)),
    ),
    Row(
        "notices:sms_webhook",
        get=everyone(NOT_ALLOWED),
        post=everyone(NOT_FOUND),
        kwargs=lambda w: {"secret": "pas-le-secret"},
    ),
    Row(
        "notices:email_webhook",
        get=everyone(NOT_ALLOWED),
        post=everyone(NOT_FOUND),
        kwargs=lambda w: {"secret": "pas-le-secret"},
    ),
]
