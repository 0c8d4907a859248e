"""Permission-matrix rows of the partners' API (/api/v1/).

The API is token-only: no persona of the pages gets anything through a browser session, logged
in or not (401, as without a token); the schema and its documentation page are public. What
each partner's token may do is tested in tests/api/.
"""

from . import NOT_ALLOWED, NOT_FOUND, OK, Row, everyone

TOKEN_ONLY = everyone("401")
MONTH = {"month": "2012-05"}

ROWS = [
    Row("api:schema", get=everyone(OK), post=everyone(NOT_ALLOWED)),
    Row("api:docs", get=everyone(OK), post=everyone(NOT_ALLOWED)),
    Row("api:me", get=TOKEN_ONLY, post=TOKEN_ONLY),
    Row("api:landlord_months", get=TOKEN_ONLY, post=TOKEN_ONLY),
    Row("api:landlord_month", get=TOKEN_ONLY, post=TOKEN_ONLY, kwargs=lambda w: MONTH),
    Row(
        "api:landlord_lot_lines",
        get=TOKEN_ONLY,
        post=TOKEN_ONLY,
        kwargs=lambda w: {**MONTH, "number": 1},
    ),
    Row(
        "api:landlord_lot_file",
        get=TOKEN_ONLY,
        post=TOKEN_ONLY,
        kwargs=lambda w: {**MONTH, "number": 1},
    ),
    Row("api:landlord_adjustments", get=TOKEN_ONLY, post=TOKEN_ONLY, kwargs=lambda w: MONTH),
    Row("api:landlord_neighbourhoods", get=TOKEN_ONLY, post=TOKEN_ONLY),
    Row(
        "api:landlord_register",
        get=TOKEN_ONLY,
        post=TOKEN_ONLY,
        kwargs=lambda w: {"slug": w.nbh.slug},
    ),
    Row("api:operator_requests", get=TOKEN_ONLY, post=TOKEN_ONLY),
    Row("api:operator_request", get=TOKEN_ONLY, post=TOKEN_ONLY, kwargs=lambda w: {"pk": 1}),
    Row("api:operator_activation", get=TOKEN_ONLY, post=TOKEN_ONLY, kwargs=lambda w: {"pk": 1}),
    Row("api:operator_refusal", get=TOKEN_ONLY, post=TOKEN_ONLY, kwargs=lambda w: {"pk": 1}),
    Row("api:city_figures", get=TOKEN_ONLY, post=TOKEN_ONLY),
    Row(
        "api:not_found",
        get=everyone(NOT_FOUND),
        post=everyone(NOT_FOUND),
        kwargs=lambda w: {"rest": "inconnu/"},
    ),
]
