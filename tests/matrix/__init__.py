"""The permission matrix: for every URL pattern, what each persona gets on GET and on POST.

Each app keeps its rows in `tests/matrix/<app>.py` (a list `ROWS`, and optionally a
`populate(world)` function that adds the objects its URLs need to the shared world). The admin
rows are derived from the admin registry in `tests/matrix/admin.py`. The test in
`tests/test_permission_matrix.py` fails for any URL pattern missing from the matrix.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

OK = "ok"  # 2xx, or a redirect that is not to a login page
LOGIN = "login"  # redirect to a login page
FORBIDDEN = "403"
NOT_FOUND = "404"
NOT_ALLOWED = "405"

ROLES = (
    "anonymous",
    "coordinator",
    "landlord",
    "centre",
    "other_centre",
    "association",
    "other_association",
)
STAFF_ROLES = ROLES[1:]


def access(*roles, anonymous=LOGIN, others=FORBIDDEN, **overrides):
    """Expected outcomes: OK for `roles`, `others` for the remaining logged-in personas."""
    unknown = set(roles) | set(overrides)
    unknown -= set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    expected = {role: (OK if role in roles else others) for role in STAFF_ROLES}
    expected["anonymous"] = anonymous
    expected.update(overrides)
    return expected


def everyone(outcome):
    return dict.fromkeys(ROLES, outcome)


@dataclass
class Row:
    name: str
    get: dict
    post: dict
    kwargs: Callable = field(default=lambda world: {})
    data: Callable = field(default=lambda world: {})
