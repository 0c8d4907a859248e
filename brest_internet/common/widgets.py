"""Form widgets and fields the apps share."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class QuickSelect(forms.Select):
    """A <select> written in Python: the same markup as Django's, without one template render
    and one option dictionary per option (the neighbourhoods of a filter are 865 at national
    size, about 40 µs each through the widget templates). Plain options only, no groups; the
    first option whose value is the field's is selected, as Django's single select does."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in self.format_value(value)}
        rows, selected = [], False
        for option, label in self.choices:
            key = "" if option is None else str(option)
            mark = not selected and key in chosen
            selected = selected or mark
            rows.append((key, " selected" if mark else "", label))
        options = format_html_join("", '<option value="{}"{}>{}</option>', rows)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), options)


class _ValuesIterator(ModelChoiceIterator):
    """(value, label) pairs read as two columns, no model instance per option."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        key = self.field.to_field_name or "pk"
        yield from self.queryset.values_list(key, self.field.label_field)

    def __len__(self):
        return self.queryset.count() + (1 if self.field.empty_label is not None else 0)


class QuickModelChoiceField(forms.ModelChoiceField):
    """A `ModelChoiceField` whose options are the column `label_field` (the neighbourhoods'
    `name`), read without building the 865 neighbourhoods, drawn by `QuickSelect`."""

    iterator = _ValuesIterator
    widget = QuickSelect

    def __init__(self, queryset, *, label_field: str = "name", **kwargs):
        self.label_field = label_field
        super().__init__(queryset, **kwargs)
