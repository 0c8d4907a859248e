"""Project-level pages: home, health check, login, logout, language switch."""

from . import FORBIDDEN, LOGIN, NOT_ALLOWED, OK, STAFF_ROLES, Row, access, everyone

ROWS = [
    Row("home", get=access(*STAFF_ROLES), post=access(others=NOT_ALLOWED)),
    Row("health", get=everyone(OK), post=everyone(NOT_ALLOWED)),
    # A logged-in user is sent on to the home page (a redirect that is not to a login page).
    Row("login", get=everyone(OK), post=everyone(OK)),
    Row(
        "logout",
        get=everyone(NOT_ALLOWED),
        post=everyone(LOGIN),  # logging out lands on the login page
    ),
    # "Rester connecté" (RGAA 13.1): any logged-in user, POST only; answers JSON.
    Row(
        "session_keepalive",
        get=access(others=NOT_ALLOWED),
        post=access(*STAFF_ROLES),
    ),
    Row("set_language", get=everyone(OK), post=everyone(OK)),
    Row(
        "audit_log",
        get=access("coordinator"),
        post=access("coordinator", others=FORBIDDEN) | {"coordinator": NOT_ALLOWED},
    ),
    Row("gdpr:notice", get=everyone(OK), post=everyone(NOT_ALLOWED)),
    Row("accessibility", get=everyone(OK), post=everyone(NOT_ALLOWED)),
    Row("sitemap", get=everyone(OK), post=everyone(NOT_ALLOWED)),
    Row(
        "gdpr:households",
        get=access("coordinator"),
        post=access(others=FORBIDDEN, coordinator=NOT_ALLOWED),
    ),
    Row(
        "gdpr:household_export",
        get=access("coordinator"),
        post=access(others=FORBIDDEN, coordinator=NOT_ALLOWED),
        kwargs=lambda w: {"pk": w.household.pk},
    ),
    # The household's data as it reads them (French, printable), beside the JSON export.
    Row(
        "gdpr:household_data",
        get=access("coordinator"),
        post=access(others=FORBIDDEN, coordinator=NOT_ALLOWED),
        kwargs=lambda w: {"pk": w.household.pk},
    ),
    # Queues the anonymisation of every departed household, then shows its job.
    Row(
        "gdpr:anonymise_departed",
        get=access(others=FORBIDDEN, coordinator=NOT_ALLOWED),
        post=access("coordinator"),
        data=lambda w: {"confirm": "yes"},
    ),
    # GET: the confirmation page; POST (box ticked): anonymise.
    Row(
        "gdpr:household_anonymise",
        get=access("coordinator"),
        post=access("coordinator"),
        kwargs=lambda w: {"pk": w.household.pk},
        data=lambda w: {"confirm": "yes"},
    ),
]
