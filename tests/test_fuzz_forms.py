"""Every form of the app, fed generated values (hypothesis): never a server error, and nothing
invalid saved.

The forms are found from the pages themselves: for each URL of the permission matrix that a
persona may POST to, the test GETs the page as that persona, reads the fields of its POST forms
(inputs, selects, textareas, file inputs), and submits generated values. After each submission,
every row of the app's models must still pass its model validation (`full_clean`).
"""

from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
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


def forms_posting_to(url, client, world):
    """The fields of the forms that post to `url`: on its own page, else on any page."""
    own = page_forms(client, url).get(url)
    if own:
        return own
    for name, row in MATRIX.items():
        if name.startswith("admin:") or name in ("logout", "login", "set_language"):
            continue
        params = row.kwargs(world)
        try:
            page_url = (
                reverse(name, args=params)
                if isinstance(params, list)
                else reverse(name, kwargs=params)
            )
        except Exception:  # noqa: BLE001, S112 — a row whose objects this world lacks
            continue
        found = page_forms(client, page_url).get(url)
        if found:
            return found
    return None


def all_rows_valid():
    problems = []
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for obj in model._default_manager.all()[:200]:
                try:
                    obj.full_clean(validate_unique=False, validate_constraints=False)
                except ValidationError as error:
                    problems.append(f"{model._meta.label} #{obj.pk}: {error.message_dict}")
    return problems


@pytest.mark.parametrize("name", FUZZED)
def test_generated_input_never_breaks_a_form(name, world, cast, client_for):
    for module in MODULES:
        populate = getattr(module, "populate", None)
        if populate:
            populate(world)
    row = MATRIX[name]
    user = cast[posting_persona(row)]
    params = row.kwargs(world)
    url = reverse(name, args=params) if isinstance(params, list) else reverse(name, kwargs=params)
    client = client_for(user)
    fields = forms_posting_to(url, client, world) or {"champ": ("text", [])}
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
            response = client.post(url, data)
            assert response.status_code < 500, f"{url} answered {response.status_code} to {data!r}"
            problems = all_rows_valid()
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
