"""The admin's change list rows written column by column once, cell by cell in Python.

Django's `result_list` works out, for every cell of every row, what its column is (a field, an
admin attribute, a callable), its classes, whether it links to the row, the empty value's
text, then draws the cell with `format_html` and the template loops over the cells: on the
large lists (dwellings, subscriptions, charges: 50 rows of 6 to 8 columns) a third of the
page. `{% quick_result_list cl %}` (templates/admin/change_list.html) works that out once per
column and writes each row as one string, with the same markup, for lists whose every column
is a field of the model or the selection box; any other list (a computed column, a related
lookup, list_editable, a popup) is left to Django's own `result_list`.
"""

from django import template
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.contrib.admin.utils import display_for_field, display_for_value
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

CHECKBOX = "action_checkbox"


def columns(cl):
    """(name, kind, field, class attribute, links to the row) of each column, or None when a
    column is not one `quick_results` writes as Django would."""
    if cl.formset or cl.is_popup:
        return None
    opts, admin = cl.lookup_opts, cl.model_admin
    out = []
    first = True
    for name in cl.list_display:
        if not isinstance(name, str) or "__" in name:
            return None
        if name == CHECKBOX:
            kind, field, classes = "checkbox", None, "action-checkbox"
        else:
            if hasattr(admin, name):  # an admin attribute shadows a field (lookup_field)
                return None
            try:
                field = opts.get_field(name)
            except FieldDoesNotExist:
                return None
            if field.auto_created or not field.concrete or field.many_to_many:
                return None
            kind = "fk" if isinstance(field.remote_field, models.ManyToOneRel) else "field"
            classes = f"field-{name}"
            if isinstance(field, (models.DateField, models.TimeField, models.ForeignKey)):
                classes += " nowrap"
        if cl.list_display_links is None:
            link = False
        elif first and not cl.list_display_links:
            link = True
        else:
            link = name in cl.list_display_links
        out.append((name, kind, field, f' class="{classes}"', link))
        if link:
            first = False
    return out


def _cell(cl, result, name, kind, field, empty, link):
    if kind == "checkbox":
        value = cl.model_admin.action_checkbox(result)
        if isinstance(value, str) and value.strip() == "":
            value = ""
        return display_for_value(value, empty, False)
    value = getattr(result, name)
    if kind == "fk":
        return empty if value is None else value
    if isinstance(value, str) and value.strip() == "":
        value = ""
    return display_for_field(value, field, empty, avoid_link=link)


def quick_results(cl, cols):
    """Each row of the page as a list of one string: its cells as Django writes them."""
    empty = cl.model_admin.get_empty_value_display()
    preserved = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}
    rows = []
    for result in cl.result_list:
        cells = []
        tag = "th"
        for name, kind, field, classes, link in cols:
            shown = conditional_escape(_cell(cl, result, name, kind, field, empty, link))
            if link:
                try:
                    url = add_preserved_filters(preserved, cl.url_for_result(result))
                except NoReverseMatch:
                    pass
                else:
                    shown = f'<a href="{conditional_escape(url)}">{shown}</a>'
                cells.append(f"<{tag}{classes}>{shown}</{tag}>")
                tag = "td"
            else:
                cells.append(f"<td{classes}>{shown}</td>")
        # Every value escaped above, as format_html would.
        rows.append(admin_list.ResultList(None, [mark_safe("".join(cells))]))  # noqa: S308
    return rows


def quick_result_list(cl):
    """Django's `result_list`, its rows written by `quick_results` when the list allows."""
    cols = columns(cl)
    if cols is None:
        return admin_list.result_list(cl)
    headers = list(admin_list.result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(admin_list.result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": quick_results(cl, cols),
    }


@register.tag(name="quick_result_list")
def quick_result_list_tag(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=quick_result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )
