"""The kit's quick widgets write the markup Django's templates would."""

import re

import pytest
from django import forms
from django.contrib.admin import ModelAdmin, site

from brest_internet.common.admin import QuickActionCheckbox
from brest_internet.common.widgets import QuickModelChoiceField, QuickSelect
from neighborhoods.models import Neighbourhood
from tests import factories as f


def attributes(html):
    """The tags of `html` with their attributes sorted (the order is not the same)."""
    return [
        (tag, sorted(re.findall(r'(\w[\w-]*)(?:="([^"]*)")?', attrs)), text)
        for tag, attrs, text in re.findall(r"<(\w+)([^>]*)>([^<]*)", html)
    ]


@pytest.mark.django_db
def test_quick_select_writes_the_options_of_django_select():
    nbhs = [f.NeighbourhoodFactory(name=f"L'Île & co {i}") for i in range(3)]

    class Filter(forms.Form):
        quick = forms.ModelChoiceField(
            Neighbourhood.objects.order_by("pk"), required=False, empty_label="Tous"
        )

    form = Filter({"quick": nbhs[1].pk})
    widgets = [
        forms.Select(attrs={"class": "form-select"}),
        QuickSelect(attrs={"class": "form-select"}),
    ]
    for widget in widgets:
        widget.choices = form.fields["quick"].choices
    plain, quick = (form["quick"].as_widget(widget) for widget in widgets)
    assert quick.count("<option") == 4
    assert attributes(quick) == attributes(re.sub(r">\s+<", "><", plain))
    assert "L&#x27;Île &amp; co 1</option>" in quick


@pytest.mark.django_db
@pytest.mark.parametrize("chosen", [None, 1, "unknown"])
def test_quick_choice_field_writes_and_reads_as_django_model_choice(chosen):
    """Options read as two columns (no neighbourhood built per option) give Django's markup,
    by slug, the one chosen selected; the value chosen is the neighbourhood, an unknown one is
    refused with Django's message."""
    nbhs = [f.NeighbourhoodFactory(name=f"Quartier {i} <b>") for i in range(3)]
    queryset = Neighbourhood.objects.order_by("name")

    class Plain(forms.Form):
        quartier = forms.ModelChoiceField(
            queryset, required=False, to_field_name="slug", empty_label="Tous"
        )

    class Quick(forms.Form):
        quartier = QuickModelChoiceField(
            queryset, required=False, to_field_name="slug", empty_label="Tous"
        )

    data = None
    if chosen is not None:
        data = {"quartier": nbhs[chosen].slug if chosen == 1 else chosen}
    plain, quick = Plain(data), Quick(data)
    plain_html, quick_html = str(plain["quartier"]), str(quick["quartier"])
    assert attributes(quick_html) == attributes(re.sub(r">\s+<", "><", plain_html))
    assert quick_html.count(" selected") == (0 if chosen == "unknown" else 1)
    if chosen == 1:
        assert f'value="{nbhs[1].slug}" selected' in quick_html
    if data:
        assert quick.is_valid() == plain.is_valid()
        assert quick.errors == plain.errors
        if chosen == 1:
            assert quick.cleaned_data["quartier"] == nbhs[1]


@pytest.mark.django_db
def test_quick_action_checkbox_writes_django_checkbox():
    nbh = f.NeighbourhoodFactory(name="Kérourien <b>")
    plain = ModelAdmin(Neighbourhood, site).action_checkbox(nbh)
    quick = type("Quick", (QuickActionCheckbox, ModelAdmin), {})(Neighbourhood, site)
    assert attributes(quick.action_checkbox(nbh)) == attributes(plain)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "status__exact=vacant", "neighbourhood__id__exact={pk}"])
def test_quick_related_filter_writes_the_links_of_django_filter(query, coordinator):
    """The neighbourhood filter of a change list (built in Python) offers the links Django's
    own filter would: "All" first, each neighbourhood by name with the other filters kept, the
    one chosen marked selected, names escaped."""
    nbhs = [f.NeighbourhoodFactory(name=name) for name in ("Kérourien <b>", "L'Île & co")]
    f.DwellingFactory(neighbourhood=nbhs[0])
    got, expected, spec, choice = neighbourhood_filter(query.format(pk=nbhs[1].pk), coordinator)
    assert got == expected
    assert len(got) == 1 + Neighbourhood.objects.count()
    chosen = [text for selected, _href, text in got if selected]
    assert chosen == (["L'Île & co"] if "neighbourhood" in query else [got[0][2]])
    assert "Kérourien &lt;b&gt;" in choice["html"]
    assert spec.summary.strip() == f"Par {spec.title}"  # Django's French, as its own filter


@pytest.mark.django_db(transaction=True)
def test_a_queryset_s_options_are_kept_until_the_data_changes_and_each_page_marks_its_choice():
    """Kept drawn (figures_cache): the next form reads the data's version, not the options;
    the option chosen is marked on the kept options; a committed change (a neighbourhood
    renamed, one added) is in the next form; another scope has options of its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    nbhs = [f.NeighbourhoodFactory(name=f"Quartier {i}") for i in range(3)]

    class Quick(forms.Form):
        quartier = QuickModelChoiceField(
            Neighbourhood.objects.order_by("name"), required=False, empty_label="Tous"
        )

    def draw(data=None, queryset=None):
        form = Quick(data)
        if queryset is not None:
            form.fields["quartier"].queryset = queryset
        with CaptureQueriesContext(connection) as queries:
            html = str(form["quartier"])
        return html, [q["sql"] for q in queries]

    first, read = draw()
    (options_sql,) = [sql for sql in read if "ORDER BY" in sql]
    second, read = draw({"quartier": nbhs[2].pk})
    assert options_sql not in read  # the version is read (and the choice validated), not the list
    assert any("figuresversion" in sql for sql in read)
    assert f'<option value="{nbhs[2].pk}" selected>Quartier 2</option>' in second
    assert second.count(" selected") == 1
    assert second.replace(" selected", "") == first.replace(' value="" selected', ' value=""')

    Neighbourhood.objects.filter(pk=nbhs[0].pk).update(name="Kérourien")
    f.NeighbourhoodFactory(name="Pontanézen")
    renamed, _read = draw()
    assert ">Kérourien</option>" in renamed
    assert ">Pontanézen</option>" in renamed
    assert ">Quartier 0</option>" not in renamed

    narrow, _read = draw(queryset=Neighbourhood.objects.filter(pk=nbhs[1].pk))
    assert narrow.count("<option") == 2
    assert ">Pontanézen</option>" not in narrow


@pytest.mark.django_db(transaction=True)
def test_the_related_filter_s_kept_links_are_django_s_for_each_query_and_follow_changes(
    coordinator,
):
    """Kept (figures_cache) once drawn: the next change lists read neither the neighbourhoods
    nor draw them, yet each gets the links Django's filter would give for its own query string
    (other filters kept, the chosen one marked); a renamed neighbourhood is in the next one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    nbhs = [f.NeighbourhoodFactory(name=name) for name in ("Kérourien <b>", "L'Île & co")]

    def links(query):
        with CaptureQueriesContext(connection) as queries:
            got, expected, _spec, _choice = neighbourhood_filter(query, coordinator)
        listed = [q["sql"] for q in queries if 'FROM "neighborhoods_neighbourhood"' in q["sql"]]
        return got, expected, listed

    got, expected, listed = links("")
    assert got == expected and listed  # drawn, then kept
    for query in (
        "status__exact=vacant",
        f"neighbourhood__id__exact={nbhs[1].pk}&status__exact=occupied",
    ):
        got, expected, listed = links(query)
        assert got == expected
        assert not any("ORDER BY" in sql for sql in listed)  # the kept list, not read again
    assert [text for selected, _h, text in got if selected] == ["L'Île & co"]
    # A control character (an old mark) and the new mark, escaped; PostgreSQL refuses NUL.
    nbhs[0].name = "Pontanézen \x01 <@head>"
    nbhs[0].save()
    got, expected, _listed = links("status__exact=vacant")
    assert got == expected
    assert "Pontanézen \x01 <@head>" in [text for _s, _h, text in got]


def neighbourhood_filter(query, user):
    """The dwellings' change list for `query`: the links of its quick neighbourhood filter and
    those Django's own filter gives, as (selected, href, text), with the filter's spec and
    its drawn choice."""
    import html

    from django.contrib.admin import RelatedFieldListFilter
    from django.test import RequestFactory

    from brest_internet.common.admin import QuickRelatedFieldListFilter
    from neighborhoods.models import Dwelling

    request = RequestFactory().get("/admin/neighborhoods/dwelling/?" + query)
    request.user = user
    changelist = site._registry[Dwelling].get_changelist_instance(request)
    (spec,) = [s for s in changelist.filter_specs if isinstance(s, QuickRelatedFieldListFilter)]
    (choice,) = spec.choices(changelist)
    got = [
        (bool(selected), html.unescape(href), html.unescape(text))
        for selected, href, text in re.findall(
            r'<li( class="selected")?><a href="([^"]*)">([^<]*)</a></li>', choice["html"]
        )
    ]
    expected = [
        (c["selected"], c["query_string"], str(c["display"]))
        for c in RelatedFieldListFilter.choices(spec, changelist)
    ]
    return got, expected, spec, choice
