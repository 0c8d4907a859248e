"""The kit's quick widgets write the markup Django's templates would."""

import re

import pytest
from django import forms
from django.contrib.admin import ModelAdmin, site

from brest_internet.common.admin import QuickActionCheckbox
from brest_internet.common.widgets import QuickSelect
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
def test_quick_action_checkbox_writes_django_checkbox():
    nbh = f.NeighbourhoodFactory(name="Kérourien <b>")
    plain = ModelAdmin(Neighbourhood, site).action_checkbox(nbh)
    quick = type("Quick", (QuickActionCheckbox, ModelAdmin), {})(Neighbourhood, site)
    assert attributes(quick.action_checkbox(nbh)) == attributes(plain)
