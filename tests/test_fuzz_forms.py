"""Every form of the app, fed generated values (hypothesis): never a server error, and nothing
invalid saved.

The forms are found from the pages themselves: for each URL of the permission matrix that a
persona may POST to, the test GETs the page as that persona, reads the fields of its POST forms
(inputs, selects, textareas, file inputs), and submits generated values. After each submission,
every row of the app's models must still pass its model validation (`full_clean`).
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .matrix import OK, ROLES
from .test_permission_matrix import MATRIX, MODULES

OUR_APPS = ("neighborhoods", "votes", "subscriptions", "support", "brest_internet", "notices")
SKIP_FIELDS = {"csrfmiddlewaretoken"}


class FormFields(HTMLParser):
    """Collects the POST forms of a page: `forms[action] = {name: (kind, options)}`.

    `fields` is the union of all the POST forms' fields (for a page with one form)."""

    def __init__(self):
        super().__init__()
        self.fields = {}
        self.forms = {}
        self.in_post_form = False
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_post_form = (attrs.get("method") or "").lower() == "post"
            if self.in_post_form:
                self.fields = self.forms.setdefault(attrs.get("action") or "", {})
        if not self.in_post_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and name not in SKIP_FIELDS:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            options = self.fields.get(name, (kind, []))[1]
            if kind in ("checkbox", "radio", "hidden") and attrs.get("value") is not None:
                options.append(attrs["value"])
            self.fields[name] = (kind, options)
        elif tag == "textarea" and name:
            self.fields[name] = ("textarea", [])
        elif tag == "select" and name:
            self.select = name
            self.fields[name] = ("select", [])
        elif tag == "option" and self.select:
            self.fields[self.select][1].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_post_form = False
        if tag == "select":
            self.select = None


NASTY_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "99999999999999999999",
            "1e309",
            "NaN",
            "2014-02-30",
            "31/12/2013",
            "2099-01-01",
            "1900-01-01",
            "12,5",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "\x00",
            "é" * 300,
            "a" * 5000,
        ]
    ),
)


def value_strategy(kind, options):
    if kind in ("select", "radio", "checkbox") and options:
        return st.one_of(st.sampled_from(options), NASTY_TEXT)
    if kind == "hidden" and options:
        return st.one_of(st.sampled_from(options), NASTY_TEXT)
    if kind == "file":
        return st.one_of(
            st.binary(max_size=2000).map(lambda b: SimpleUploadedFile("registre.csv", b)),
            st.just(SimpleUploadedFile("registre.exe", b"MZ\x90\x00")),
            st.text(max_size=500).map(
                lambda t: SimpleUploadedFile("registre.csv", ("Référence;Quartier\n" + t).encode())
            ),
        )
    return NASTY_TEXT


def posting_persona(row):
    """The first logged-in persona allowed to POST to the row's URL, if any."""
    for role in ROLES[1:]:
        expected = row.post[role]
        if callable(expected):
            continue  # admin rows: Django's admin forms are out of scope here
        if expected == OK:
            return role
    return None


FUZZED = sorted(
    name
    for name, row in MATRIX.items()
    if not name.startswith("admin:") and posting_persona(row) and name not in ("logout",)
)


def page_forms(client, url):
    page = client.get(url)
    parser = FormFields()
    if page.status_code == 200 and "html" in page.get("Content-Type", ""):
        parser.feed(page.content.decode())
    return {action or url: fields for action, fields in parser.forms.items()}


def _page_url(name, world):
    """The URL of the matrix row `name` in this world, None when the world lacks its objects."""
    params = MATRIX[name].kwargs(world)
    try:
        return (
            reverse(name, args=params) if isinstance(params, list) else reverse(name, kwargs=params)
        )
    except Exception:  # noqa: BLE001 — a row whose objects this world lacks
        return None


# {persona: {URL name posted to: the URL name of a page whose form posts there}}, read once
# per process and persona from every page (the pages' structure is the same in every test's
# world; their objects are not, so each test opens the page found here in its own world).
_FORM_PAGES: dict[str, dict[str, str]] = {}


def _read_form_pages(client, world) -> dict[str, str]:
    found = {}
    for name in MATRIX:
        if name.startswith("admin:") or name in ("logout", "login", "set_language"):
            continue
        page_url = _page_url(name, world)
        if page_url is None:
            continue
        for action in page_forms(client, page_url):
            try:
                posted = resolve(urlsplit(action).path).view_name
            except Resolver404:
                continue
            found.setdefault(posted, name)
    return found


def forms_posting_to(url, client, world, name, persona):
    """The fields of the forms that post to `url` (the URL of `name`), as `persona` (whose
    `client` it is) sees them: on its own page, else on the page of another row whose form
    posts there."""
    own = page_forms(client, url).get(url)
    if own:
        return own
    if persona not in _FORM_PAGES:
        _FORM_PAGES[persona] = _read_form_pages(client, world)
    page = _FORM_PAGES[persona].get(name)
    page_url = _page_url(page, world) if page else None
    return page_forms(client, page_url).get(url) if page_url else None


def all_rows_valid(written=None):
    """Model validation of every row of our apps' models (the first 200 of each), or of the
    models whose tables `written` (SQL statements) inserted into or updated only."""
    problems = []
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            if written is not None and not _writes(written, model._meta.db_table):
                continue
            for obj in model._default_manager.all()[:200]:
                try:
                    obj.full_clean(validate_unique=False, validate_constraints=False)
                except ValidationError as error:
                    problems.append(f"{model._meta.label} #{obj.pk}: {error.message_dict}")
    return problems


def _writes(statements, table: str) -> bool:
    """Whether one of `statements` inserts into or updates `table` (a CTE's too)."""
    quoted = re.escape(connection.ops.quote_name(table))
    written = re.compile(rf"\b(INSERT\s+INTO|UPDATE)\s+{quoted}(\s|\()", re.IGNORECASE)
    return any(written.search(sql) for sql in statements)


@pytest.mark.parametrize("name", FUZZED)
def test_generated_input_never_breaks_a_form(name, world, cast, client_for):
    for module in MODULES:
        populate = getattr(module, "populate", None)
        if populate:
            populate(world)
    row = MATRIX[name]
    persona = posting_persona(row)
    user = cast[persona]
    params = row.kwargs(world)
    url = reverse(name, args=params) if isinstance(params, list) else reverse(name, kwargs=params)
    client = client_for(user)
    found = forms_posting_to(url, client, world, name, persona)
    import sys

    sys.stderr.write(f"FOUND {name} {sorted(found) if found else None}\n")
    fields = found or {"champ": ("text", [])}
    assert not all_rows_valid(), "the world itself must be valid"
    strategies = {field: value_strategy(kind, opts) for field, (kind, opts) in fields.items()}

    @settings(
        max_examples=12,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.fixed_dictionaries(strategies))
    def submit(data):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                response = client.post(url, data)
            assert response.status_code < 500, f"{url} answered {response.status_code} to {data!r}"
            problems = all_rows_valid([q["sql"] for q in captured.captured_queries])
            assert not problems, f"{url} saved invalid data from {data!r}: {problems}"
            transaction.set_rollback(True)

    submit()


def test_the_fuzzer_reads_the_fields_of_a_form():
    parser = FormFields()
    parser.feed(
        '<form method="get"><input name="q"></form>'
        '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="x">'
        '<input name="nom"><select name="statut"><option value="a">A</option>'
        '<option value="b">B</option></select><textarea name="texte"></textarea>'
        '<input type="file" name="fichier"><button type="submit">OK</button></form>'
    )
    assert parser.forms[""] == {
        "nom": ("text", []),
        "statut": ("select", ["a", "b"]),
        "texte": ("textarea", []),
        "fichier": ("file", []),
    }


def test_the_fuzzer_sees_which_tables_a_submission_wrote(db):
    """Rows are validated after a submission in the tables it wrote: an INSERT and an UPDATE
    of a neighbourhood are seen as writing its table, and not the dwellings'."""
    from neighborhoods.models import Dwelling, Neighbourhood

    from . import factories as f

    table = Neighbourhood._meta.db_table
    with CaptureQueriesContext(connection) as captured:
        nbh = f.NeighbourhoodFactory()
    inserted = [q["sql"] for q in captured.captured_queries]
    with CaptureQueriesContext(connection) as captured:
        Neighbourhood.objects.filter(pk=nbh.pk).update(name="Quartier réécrit")
    updated = [q["sql"] for q in captured.captured_queries]
    assert _writes(inserted, table) and _writes(updated, table)
    assert not _writes(inserted + updated, Dwelling._meta.db_table)
    read = f"SELECT name FROM {connection.ops.quote_name(table)}"  # noqa: S608 — a test's text
    assert not _writes([read], table)
