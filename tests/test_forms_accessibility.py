"""Forms say what "*" means and link each error to its field (RGAA 11.10), in every app.

The note comes from the crispy templates overridden in templates/bootstrap5/; the links from
Django 5.2 (`aria-describedby`, `aria-invalid`) and crispy-bootstrap5's error blocks. Pages of
several apps are rendered, with and without errors, and read as a browser would build the DOM.
"""

from html.parser import HTMLParser
from pathlib import Path

import crispy_bootstrap5
import pytest
from django import forms
from django.template import Template
from django.template.context import Context
from django.urls import reverse

from neighborhoods.models import Neighbourhood

NOTE = "Les champs marqués * sont obligatoires."
OVERRIDES = Path(__file__).resolve().parent.parent / "templates" / "bootstrap5"
UPSTREAM = Path(crispy_bootstrap5.__file__).resolve().parent / "templates" / "bootstrap5"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children, self.text = [], []

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()

    def text_content(self):
        return " ".join(
            " ".join(part for n in self.iter() for part in n.text if part.strip()).split()
        )

    def closest(self, tag):
        node = self
        while node is not None and node.tag != tag:
            node = node.parent
        return node

    def has_class(self, name):
        return name in self.attrs.get("class", "").split()


class Dom(HTMLParser):
    """Just enough of a DOM: elements, their attributes, parents and text."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root
        self.feed(html)
        self.by_id = {n.attrs["id"]: n for n in self.root.iter() if n.attrs.get("id")}

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.text.append(data)

    def all(self, predicate):
        return [n for n in self.root.iter() if predicate(n)]


def check_form_accessibility(html, expect_errors):
    """Assert the RGAA 11.10 rules on a page; returns the DOM for further checks."""
    dom = Dom(html)
    for form in dom.all(lambda n: n.tag == "form"):
        stars = [n for n in form.iter() if n.has_class("asteriskField")]
        notes = [n for n in form.iter() if n.has_class("required-note")]
        if stars:
            assert len(notes) == 1, f"a form with required fields needs one note: {len(notes)}"
            assert notes[0].text_content() == NOTE
            order = list(form.iter())
            assert order.index(notes[0]) < order.index(stars[0]), "the note comes first"
        else:
            assert not notes, "no note in a form without required fields"
    invalid = dom.all(lambda n: n.attrs.get("aria-invalid") == "true")
    if expect_errors:
        assert invalid, "the page should show field errors"
    for field in invalid:
        holder = field if "aria-describedby" in field.attrs else field.closest("fieldset")
        assert holder is not None and holder.attrs.get("aria-describedby"), (
            f"{field.attrs.get('name')}: in error but not linked to its message"
        )
        described = [dom.by_id.get(i) for i in holder.attrs["aria-describedby"].split()]
        assert all(described), f"{field.attrs.get('name')}: aria-describedby to a missing id"
        messages = [n for n in described if n.has_class("invalid-feedback")]
        assert messages and all(m.text_content() for m in messages), (
            f"{field.attrs.get('name')}: aria-describedby does not reach the error message"
        )
    # And every field error shown is the description of a field.
    referenced = {i for n in dom.root.iter() for i in n.attrs.get("aria-describedby", "").split()}
    for message in dom.all(lambda n: n.has_class("invalid-feedback")):
        assert message.attrs.get("id") in referenced, f"error not linked: {message.text_content()}"
    return dom


def test_login_form_explains_the_asterisk_and_links_its_errors(client, db):
    html = client.get(reverse("login")).content.decode()
    assert html.count(NOTE) == 1
    check_form_accessibility(html, expect_errors=False)
    html = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    dom = check_form_accessibility(html, expect_errors=True)
    username = dom.by_id["id_username"]
    assert username.attrs["aria-describedby"] == "id_username_error"
    assert "Ce champ est obligatoire" in dom.by_id["id_username_error"].text_content()


def test_subscription_request_form(world, centre_user, client_for):
    """subscriptions: a form rendered whole by {% crispy form %}."""
    client = client_for(centre_user)
    url = reverse("subscriptions:create")
    check_form_accessibility(client.get(url).content.decode(), expect_errors=False)
    html = client.post(url, {"dwelling": ""}).content.decode()
    assert html.count(NOTE) == 1
    check_form_accessibility(html, expect_errors=True)


def test_new_neighbourhood_form(coordinator, client_for):
    """neighborhoods: {% crispy form %}, with checkbox groups in fieldsets."""
    client = client_for(coordinator)
    url = reverse("neighborhoods:create")
    check_form_accessibility(client.get(url).content.decode(), expect_errors=False)
    html = client.post(url, {"name": ""}).content.decode()
    assert html.count(NOTE) == 1
    check_form_accessibility(html, expect_errors=True)


def test_new_vote_form(world, coordinator, client_for):
    """votes: a form rendered by the |crispy filter."""
    Neighbourhood.objects.filter(pk=world.nbh.pk).update(stage=Neighbourhood.Stage.VOTE)
    client = client_for(coordinator)
    url = reverse("votes:create")
    check_form_accessibility(client.get(url).content.decode(), expect_errors=False)
    html = client.post(url, {"neighbourhood": ""}).content.decode()
    assert html.count(NOTE) == 1
    check_form_accessibility(html, expect_errors=True)


def test_home_help_request_form(world, centre_user, client_for):
    """support: the shared support/form.html."""
    client = client_for(centre_user)
    url = reverse("support:home_help_create", args=[world.household.pk])
    check_form_accessibility(client.get(url).content.decode(), expect_errors=False)
    html = client.post(url, {"requested_on": ""}).content.decode()
    assert html.count(NOTE) == 1
    check_form_accessibility(html, expect_errors=True)


def test_charges_form_and_a_filter_without_required_fields(world, coordinator, client_for):
    client = client_for(coordinator)
    html = client.get(reverse("subscriptions:charges")).content.decode()
    assert html.count(NOTE) == 1
    check_form_accessibility(html, expect_errors=False)
    # The audit log's filter has no required field: no note.
    html = client.get(reverse("audit_log")).content.decode()
    assert NOTE not in html
    check_form_accessibility(html, expect_errors=False)


class EveryKind(forms.Form):
    name = forms.CharField(label="Nom", help_text="Tel qu'il figure au bail.")
    kind = forms.ChoiceField(label="Nature", choices=[("a", "A"), ("b", "B")])
    choice = forms.ChoiceField(
        label="Choix", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    several = forms.MultipleChoiceField(
        label="Plusieurs", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    agreed = forms.BooleanField(label="D'accord")
    upload = forms.FileField(label="Fichier")
    remark = forms.CharField(label="Remarque", required=False)
    since = forms.DateField(label="Depuis", required=False)


@pytest.mark.parametrize(
    "template",
    [
        "{% load crispy_forms_tags %}<form>{{ form|crispy }}</form>",
        "{% load crispy_forms_tags %}<form>{% for field in form %}{{ field|as_crispy_field }}"
        "{% endfor %}</form>",
        # Field by field, optional fields first: the note still comes before the first "*".
        "{% load crispy_forms_tags %}<form>{{ form.remark|as_crispy_field }}"
        "{{ form.since|as_crispy_field }}{{ form.name|as_crispy_field }}"
        "{{ form.choice|as_crispy_field }}</form>",
    ],
)
def test_every_kind_of_field_is_linked_to_its_error(template):
    form = EveryKind(data={"since": "pas une date"})
    assert not form.is_valid()
    html = Template(template).render(Context({"form": form}))
    dom = check_form_accessibility(html, expect_errors=True)
    assert html.count(NOTE) == 1
    if "id_choice_error" in dom.by_id:  # radio buttons: the fieldset is described
        assert dom.by_id["id_choice_0"].closest("fieldset").attrs["aria-describedby"] == (
            "id_choice_error"
        )
    if "id_name" in dom.by_id:  # help text and error, both
        assert dom.by_id["id_name"].attrs["aria-describedby"].split() == [
            "id_name_helptext",
            "id_name_error",
        ]


def test_a_form_without_required_fields_has_no_note():
    form = EveryKind()
    for name in list(form.fields):
        form.fields[name].required = False
    html = Template("{% load crispy_forms_tags %}<form>{{ form|crispy }}</form>").render(
        Context({"form": form})
    )
    assert NOTE not in html
    assert "asteriskField" not in html


def test_the_checker_fails_on_an_unlinked_error():
    """The check is real: an error message no field points to is reported."""
    html = (
        '<form><input name="a" aria-invalid="true" id="id_a">'
        '<div id="id_a_error" class="invalid-feedback">Obligatoire</div></form>'
    )
    with pytest.raises(AssertionError, match="not linked"):
        check_form_accessibility(html, expect_errors=True)
    html = (
        '<form><label>A<span class="asteriskField">*</span></label><input name="a" required></form>'
    )
    with pytest.raises(AssertionError, match="one note"):
        check_form_accessibility(html, expect_errors=False)


@pytest.mark.parametrize("name", ["field.html", "uni_form.html"])
def test_the_overridden_crispy_templates_only_add_the_note(name):
    """On a crispy-bootstrap5 upgrade, this fails until the copy is refreshed from upstream."""
    ours = (OVERRIDES / name).read_text().splitlines()
    upstream = (UPSTREAM / name).read_text().splitlines()
    added = [line for line in ours if "required_fields_note" in line]
    assert len(added) == 1
    assert [line for line in ours if line not in added] == upstream


@pytest.fixture
def matrix_world(world):
    from tests.test_permission_matrix import MODULES

    for module in MODULES:
        populate = getattr(module, "populate", None)
        if populate:
            populate(world)
    return world


def test_every_page_of_the_app_follows_the_rules(matrix_world, cast, client_for):
    """Every page a persona may open in the permission matrix's world, and the forms in error
    of tests/test_html_validity.py: each form with "*" explains it, each error is linked."""
    from tests.test_html_validity import render_error_states, render_pages

    pages = render_pages(matrix_world, cast, client_for)
    pages += render_error_states(matrix_world, cast, client_for)
    failures = []
    for persona, name, url, html in pages:
        try:
            check_form_accessibility(html, expect_errors=False)
        except AssertionError as exc:
            failures.append(f"{persona} {url} ({name}): {str(exc).splitlines()[0]}")
    assert not failures, "\n".join(failures)
    assert sum(NOTE in html for *_, html in pages) > 20
