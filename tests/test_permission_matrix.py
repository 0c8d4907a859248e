"""Every URL pattern of the project, for every persona, on GET and on POST.

A URL pattern that is not in the matrix fails `test_every_url_pattern_is_in_the_matrix`:
a new page cannot ship without saying who may see it.
"""

import importlib
import re

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .matrix import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, ROLES
from .matrix.admin import admin_rows

APP_MODULES = [
    "core",
    "accounts",
    "neighborhoods",
    "votes",
    "subscriptions",
    "support",
    "dashboard",
    "api",
    "opendata",
    "notices",
    "jobs",
]

# Unnamed admin patterns: the catch-all (404 or the login redirect for any path) and the
# redirect from an object's bare URL to its change page (which is in the matrix).
UNNAMED_ALLOWED = re.compile(r"^admin/(\(\?P<url>\.\*\)\$|[a-z_]+/[a-z_]+/<path:object_id>/)$")


def walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}{p.namespace}:"
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}{p.name}" if p.name else None
            yield name, prefix + str(p.pattern)


def all_patterns():
    return list(walk(get_resolver().url_patterns))


def build_matrix():
    rows = {}
    modules = [importlib.import_module(f"tests.matrix.{m}") for m in APP_MODULES]
    for module in modules:
        for row in module.ROWS:
            assert row.name not in rows, f"{row.name} is in the matrix twice"
            rows[row.name] = row
    names = {name for name, _ in all_patterns() if name}
    for row in admin_rows(names):
        rows[row.name] = row
    return rows, modules


MATRIX, MODULES = build_matrix()


def test_every_url_pattern_is_in_the_matrix():
    patterns = all_patterns()
    names = {name for name, _ in patterns if name}
    unnamed = {p for name, p in patterns if not name and not UNNAMED_ALLOWED.match(p)}
    assert not unnamed, f"URL patterns without a name cannot be checked: {sorted(unnamed)}"
    missing = sorted(names - MATRIX.keys())
    assert not missing, f"URL patterns missing from the permission matrix: {missing}"
    stale = sorted(MATRIX.keys() - names)
    assert not stale, f"Rows of the permission matrix for URLs that no longer exist: {stale}"


def test_a_new_unprotected_url_fails_the_matrix(settings):
    """The matrix catches an URL nobody declared (here: a view added on the fly)."""
    from django.urls import clear_url_caches, path

    import brest_internet.urls as root

    original = list(root.urlpatterns)
    try:
        root.urlpatterns.append(path("fuite/", lambda request: None, name="leak"))
        clear_url_caches()
        names = {name for name, _ in all_patterns() if name}
        assert "leak" in names - MATRIX.keys()
    finally:
        root.urlpatterns[:] = original
        clear_url_caches()


def classify(response):
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        location = response["Location"]
        if location.startswith((reverse("login"), reverse("admin:login"))):
            return LOGIN
        return OK
    if 200 <= code < 300:
        return OK
    return {403: FORBIDDEN, 404: NOT_FOUND, 405: NOT_ALLOWED}.get(code, str(code))


@pytest.fixture
def matrix_world(world):
    for module in MODULES:
        populate = getattr(module, "populate", None)
        if populate:
            populate(world)
    return world


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(name, matrix_world, cast, client_for):
    row = MATRIX[name]
    params = row.kwargs(matrix_world)
    if isinstance(params, list):
        url = reverse(name, args=params)
    else:
        url = reverse(name, kwargs=params)
    failures = []
    for role in ROLES:
        user = cast[role]
        for method in ("get", "post"):
            expected = getattr(row, method)[role]
            if callable(expected):
                expected = expected(user)
            # Each request runs in a savepoint rolled back after it: a POST by one persona
            # must not change what the next persona sees.
            with transaction.atomic():
                client = client_for(user)
                if method == "get":
                    response = client.get(url)
                else:
                    response = client.post(url, row.data(matrix_world))
                transaction.set_rollback(True)
            got = classify(response)
            if got != expected and not (isinstance(expected, tuple) and got in expected):
                failures.append(f"{role} {method.upper()} {url}: expected {expected}, got {got}")
    assert not failures, "\n".join(failures)
