"""Admin pieces every app shares (the kit imports none of the apps)."""

from html import escape
from urllib.parse import quote_plus, urlencode

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.utils.encoding import iri_to_uri
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from . import figures_cache


class QuickActionCheckbox:
    """The change list's selection box, written directly: Django renders it through the form
    widget templates, a few milliseconds per row that made the subscriptions' list (100 rows)
    cost three times the charges' list, which has no actions. Same markup, same label (Django's
    own message, in its French catalogue)."""

    def action_checkbox(self, obj):
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )


SELECTED = ' class="selected"'
BY_TITLE = " By %(filter_title)s "  # admin/filter.html's heading, its msgid


class QuickRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A change list's filter on a foreign key whose rows are named by one column
    (`label_field`): its choices read as (id, name) pairs, where Django builds every related
    object to call its `__str__` (865 neighbourhoods on each page of each large list)."""

    label_field = "name"
    # Django's admin/filter.html, each choice's <li> written in Python (`choices`): through the
    # template, the 865 links were half the time of a large change list.
    template = "admin/quick_filter.html"

    @property
    def summary(self) -> str:
        """The filter's heading in the admin's own words ("Par quartier"), from Django's
        catalogue: a literal here would be copied into ours, untranslated."""
        return gettext(BY_TITLE) % {"filter_title": self.title}

    def choices(self, changelist):
        """One choice holding every <li>: "All", each related row, "None" when the key may be
        empty; each link's query string as `changelist.get_query_string` writes it, built
        from the other filters' parameters read once."""
        if changelist.add_facets:  # the counts beside each choice: Django's own links
            items = (
                (c["selected"], _href(c["query_string"]), str(c["display"]))
                for c in super().choices(changelist)
            )
        else:
            items = self._items(changelist)
        html = "".join(
            href
            if selected is _RAW
            else f'<li{SELECTED if selected else ""}><a href="{href}">{escape(display)}</a></li>'
            for selected, href, display in items
        )
        yield {"html": mark_safe(html)}  # noqa: S308 — every value escaped (`_href`, above)

    def _items(self, changelist):
        """(selected, the link's href attribute already escaped, the name) of each choice."""
        key, isnull = self.lookup_kwarg, self.lookup_kwarg_isnull
        every = next(iter(super().choices(changelist)))  # "All", in Django's words
        yield every["selected"], _href(every["query_string"]), str(every["display"])
        base = {k: v for k, v in changelist.filter_params.items() if not k.startswith(isnull)}
        chosen = {str(v) for v in self.lookup_val or ()}
        # The other parameters sorted around this one (as urlencode(sorted(…)) would put them),
        # encoded and escaped once rather than for each of the choices; a numeric key, the
        # usual one, needs neither (quoting and escaping go character by character).
        before = urlencode(sorted((k, v) for k, v in base.items() if k < key), doseq=True)
        after = urlencode(sorted((k, v) for k, v in base.items() if k > key), doseq=True)
        head = _href("?" + (before + "&" if before else "") + quote_plus(key) + "=")
        tail = _href("&" + after) if after else ""
        yield from self._kept_choices(head, tail, chosen)
        if self.include_empty_choice:
            yield (
                bool(self.lookup_val_isnull),
                _href(changelist.get_query_string({isnull: "True"}, [key])),
                str(self.empty_value_display),
            )

    def _kept_choices(self, head, tail, chosen):
        """The related rows' <li>, as one string kept until the data next changes (with the
        links' common head and tail left as marks, put in place here) and the chosen ones
        marked: a change list no longer draws its 865 neighbourhoods on each page."""

        def draw():
            return "".join(
                f'<li><a href="{_HEAD}{_link(pk)}{_TAIL}">{escape(str(name))}</a></li>'
                for pk, name in self.lookup_choices
            )

        body = figures_cache.cached(self._kept_key() + ":html", draw)
        body = body.replace(_HEAD, head).replace(_TAIL, tail)
        for value in chosen:
            plain = f'<li><a href="{head}{_link(value)}{tail}">'
            body = body.replace(plain, f"<li{SELECTED}>{plain[4:]}", 1)
        yield _RAW, body, None

    def field_choices(self, field, request, model_admin):
        """(pk, name) of every related row, kept until the data next changes."""
        ordering = self.field_admin_ordering(field, request, model_admin) or (self.label_field,)
        related = field.remote_field.model._default_manager
        self._kept = ("admin-choices", related.model._meta.label, self.label_field, *ordering)
        return figures_cache.cached(
            self._kept_key(),
            lambda: list(related.order_by(*ordering).values_list("pk", self.label_field)),
        )

    def _kept_key(self) -> str:
        return figures_cache.key(*self._kept)


# The marks of the links' common head and tail in the kept choices: a raw "<" is in no name
# and no link (both escaped), whatever they hold; and the item that holds them already drawn.
_HEAD, _TAIL = "<@head>", "<@tail>"
_RAW = object()


def _link(pk) -> str:
    value = str(pk)
    return value if value.isdigit() else _href(quote_plus(value))


def _href(query: str) -> str:
    """A query string as an href attribute's escaped value."""
    return escape(iri_to_uri(query))


class ReadOnlyTabularInline(admin.TabularInline):
    """Rows shown beside their parent and written only by a service: no add, change or delete."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows shown and searched here, written only by the services (append-only logs, states
    owned by a transition, files kept as sent): no add, change or delete, and no full count."""

    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
