"""No hostile value gives a server error: a NUL byte anywhere in a query string or a form, a
number beyond what its column holds, an id beyond any key.

The URLs are those of the permission matrix, crawled as each persona: on GET with hostile query
strings (the keys the app reads and those of the page's own search forms), and, for the
persona allowed to post, the page's own forms sent back with their current values but a NUL in
every text and numbers out of range in every number field.
"""

from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.urls import reverse

from .matrix import OK, ROLES
from .test_permission_matrix import MATRIX, MODULES

# Query-string keys the views and filters read (request.GET, FilterSets, the admin's lists).
QUERY_KEYS = [
    "q", "page", "p", "o", "quartier", "format", "statut", "quand", "bailleur", "bureau", "annee",
    "debut", "fin", "stage", "year", "status", "building", "reference", "household", "next",
]  # fmt: skip
HUGE = "99999999999999999999"
NUMBERS = ("40000", "99999999999", HUGE, "-99999999999")


class PageForms(HTMLParser):
    """The names of a page's GET-form fields, and its POST forms with their current values:
    `posts[action] = {name: (kind, value)}`."""

    def __init__(self):
        super().__init__()
        self.get_fields = set()
        self.posts = {}
        self.form = None
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self.form = (
                self.posts.setdefault(attrs.get("action") or "", {}) if method == "post" else "get"
            )
            return
        name = attrs.get("name")
        if self.form is None or not name or name == "csrfmiddlewaretoken":
            return
        if self.form == "get":
            self.get_fields.add(name)
            return
        kind = (attrs.get("type") or "text").lower() if tag == "input" else tag
        if kind in ("submit", "button", "reset", "image", "file"):
            return
        if kind in ("checkbox", "radio") and "checked" not in attrs and name in self.form:
            return
        self.form[name] = (kind, attrs.get("value") or "")
        if tag == "select":
            self.select = name
        elif tag == "textarea":
            self.textarea = name

    def handle_data(self, data):
        if self.textarea and isinstance(self.form, dict):
            self.form[self.textarea] = ("textarea", data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def close(self):
        super().close()
        return self


class _Options(PageForms):
    """Picks each select's selected option (or its first one)."""

    def handle_starttag(self, tag, attrs):
        if tag == "option" and self.select and isinstance(self.form, dict):
            attrs = dict(attrs)
            kind, value = self.form[self.select]
            if "selected" in attrs or not value:
                self.form[self.select] = ("select", attrs.get("value", ""))
            return
        super().handle_starttag(tag, attrs)


def read_forms(response):
    parser = _Options()
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        parser.feed(response.content.decode())
    return parser.close()


def url_of(name, world, hostile_ids=False):
    params = MATRIX[name].kwargs(world)
    if isinstance(params, list):
        return reverse(name, args=params)
    if hostile_ids:
        params = {k: int(HUGE) if isinstance(v, int) else v for k, v in params.items()}
    return reverse(name, kwargs=params)


def posting_persona(row):
    for role in ROLES[1:]:
        expected = row.post[role]
        if not callable(expected) and expected == OK:
            return role
    return None


def personas(name):
    # The admin is the coordinator's alone; the others are sent to its login page.
    return ("coordinator",) if name.startswith("admin:") else ROLES


def hostile_posts(fields):
    """The form sent back as it was, but with a NUL in every text, then out-of-range numbers."""
    base = {name: value for name, (kind, value) in fields.items()}
    yield {
        name: (value + "\x00" if kind in ("text", "textarea", "search", "email", "tel") else value)
        for name, (kind, value) in fields.items()
    }
    yield {**base, "\x00": "\x00"}
    numbers = [name for name, (kind, _value) in fields.items() if kind == "number"]
    for number in NUMBERS if numbers else ():
        yield {**base, **dict.fromkeys(numbers, number)}


def request(client, method, url, data=None):
    with transaction.atomic():
        response = getattr(client, method)(url, data or {})
        transaction.set_rollback(True)
    return response


@pytest.fixture
def crawl_world(world):
    for module in MODULES:
        populate = getattr(module, "populate", None)
        if populate:
            populate(world)
    return world


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_no_hostile_value_gives_a_server_error(name, crawl_world, cast, client_for):
    url = url_of(name, crawl_world)
    failures = []
    for role in personas(name):
        client = client_for(cast[role])
        page = request(client, "get", url)
        keys = QUERY_KEYS + sorted(read_forms(page).get_fields)
        queries = [
            urlencode(dict.fromkeys(keys, "\x00")) + "&%00=1",
            urlencode(dict.fromkeys(keys, "a\x00b")),
            urlencode(dict.fromkeys(keys, HUGE)),
        ]
        for query in queries:
            response = request(client, "get", f"{url}?{query}")
            if response.status_code >= 500:
                failures.append(f"{role} GET {url}?{query[:60]}…: {response.status_code}")
    if not name.startswith("admin:"):
        huge_ids = url_of(name, crawl_world, hostile_ids=True)
        for role in ROLES:
            response = request(client_for(cast[role]), "get", huge_ids)
            if response.status_code >= 500:
                failures.append(f"{role} GET {huge_ids}: {response.status_code}")
        poster = posting_persona(MATRIX[name])
        if poster:
            client = client_for(cast[poster])
            forms = read_forms(request(client, "get", url)).posts
            fields = forms.get(url) or forms.get("") or {"champ": ("text", "")}
            for data in hostile_posts(fields):
                response = request(client, "post", url, data)
                if response.status_code >= 500:
                    failures.append(f"{poster} POST {url} {data!r}: {response.status_code}")
    assert not failures, "\n".join(failures)
