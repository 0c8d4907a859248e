"""Form widgets and fields the apps share."""

import hashlib
import html

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from . import figures_cache


class QuickSelect(forms.Select):
    """A <select> written in Python: the same markup as Django's, without one template render
    and one option dictionary per option (the neighbourhoods of a filter are 865 at national
    size, about 40 µs each through the widget templates, still 4 µs through format_html).
    Plain options only, no groups; the first option whose value is the field's is selected, as
    Django's single select does. Values and labels are escaped as Django's `escape` does (the
    standard library's `html.escape`, quotes included), a string at a time.

    The options of a `QuickModelChoiceField` (a queryset) are kept, drawn, until the data next
    changes (`figures_cache`, keyed on the query, hence on the user's scope, and on the
    language): at national size they were still 3 ms of each page that filters by
    neighbourhood, a cost that grew with the number of neighbourhoods; kept, the page pays one
    read of the data's version and a search for the option to mark selected."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        kept = getattr(self.choices, "kept_key", None)
        if kept is not None:  # the options of a queryset, kept until the data next changes
            options = figures_cache.cached(kept(), lambda: _options(self.choices))
        else:
            options = _options(self.choices)
        chosen = _select(options, {str(v) for v in self.format_value(value)})
        safe = mark_safe(chosen)  # noqa: S308 — every value and label escaped by `_options`
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), safe)


def _options(choices) -> str:
    """The <option> tags of `choices`, none selected; values and labels escaped."""
    escape = html.escape
    return "".join(
        f'<option value="{escape("" if option is None else str(option))}">'
        f"{escape(str(label))}</option>"
        for option, label in choices
    )


def _select(options: str, chosen: set[str]) -> str:
    """`options` with the first option whose value is chosen marked selected."""
    tags = (f'<option value="{html.escape(key)}">' for key in chosen)
    found = [(options.find(tag), tag) for tag in tags]
    found = [(at, tag) for at, tag in found if at >= 0]
    if not found:
        return options
    at, tag = min(found)
    return f"{options[:at]}{tag[:-1]} selected>{options[at + len(tag) :]}"


class _ValuesIterator(ModelChoiceIterator):
    """(value, label) pairs read as two columns, no model instance per option."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        key = self.field.to_field_name or "pk"
        yield from self.queryset.values_list(key, self.field.label_field)

    def __len__(self):
        return self.queryset.count() + (1 if self.field.empty_label is not None else 0)

    def kept_key(self) -> str:
        """What the options depend on: the query (the user's scope is in it), the columns, the
        empty label; `figures_cache.key` adds the language."""
        sql, params = self.queryset.query.sql_with_params()
        what = repr((sql, params, self.field.to_field_name, self.field.label_field))
        digest = hashlib.sha256(what.encode()).hexdigest()[:32]
        return figures_cache.key("options", digest, self.field.empty_label)


class QuickModelChoiceField(forms.ModelChoiceField):
    """A `ModelChoiceField` whose options are the column `label_field` (the neighbourhoods'
    `name`), read without building the 865 neighbourhoods, drawn by `QuickSelect`."""

    iterator = _ValuesIterator
    widget = QuickSelect

    def __init__(self, queryset, *, label_field: str = "name", **kwargs):
        self.label_field = label_field
        super().__init__(queryset, **kwargs)
