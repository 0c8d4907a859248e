"""The audit trail, for coordinators: every create, change and delete of business records.

django-simple-history keeps one historical row per change of each tracked model (who, when,
what kind of change, the values). This page lists them across all tracked models, newest first,
with filters; each row links to the object's own history page in the admin, which shows the
field-by-field differences.
"""

import datetime
import heapq

from django import forms
from django.apps import apps
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from neighborhoods.access import COORDINATOR, role_required

AUDITED_APPS = ("neighborhoods", "votes", "subscriptions", "support", "brest_internet")
PAGE_SIZE = 100


def tracked_models():
    """The business models whose changes are kept, by label ("votes.Vote")."""
    found = {}
    for model in apps.get_models():
        if model._meta.app_label not in AUDITED_APPS:
            continue
        if model.__name__.startswith("Historical") and hasattr(model, "instance_type"):
            tracked = model.instance_type
            found[tracked._meta.label] = (tracked, model)
    return dict(sorted(found.items(), key=lambda item: str(item[1][0]._meta.verbose_name)))


class AuditFilter(forms.Form):
    model = forms.ChoiceField(label=_("Type d'enregistrement"), required=False)
    kind = forms.ChoiceField(
        label=_("Changement"),
        required=False,
        choices=[
            ("", _("Tous")),
            ("+", _("Création")),
            ("~", _("Modification")),
            ("-", _("Suppression")),
        ],
    )
    user = forms.CharField(label=_("Par (identifiant)"), required=False, max_length=150)
    since = forms.DateField(
        label=_("Depuis le"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, models=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("Tous"))] + [
            (label, str(pair[0]._meta.verbose_name_plural).capitalize())
            for label, pair in (models or {}).items()
        ]


@role_required(COORDINATOR)
@require_GET
def audit_log(request):
    """Newest changes first: one query per tracked model, whatever the number of changes."""
    models = tracked_models()
    form = AuditFilter(request.GET or None, models=models)
    filters = form.cleaned_data if form.is_valid() else {}
    chosen = {filters["model"]: models[filters["model"]]} if filters.get("model") else models
    streams = []
    for tracked, historical in chosen.values():
        qs = historical.objects.select_related("history_user").order_by("-history_date")
        if filters.get("kind"):
            qs = qs.filter(history_type=filters["kind"])
        if filters.get("user"):
            qs = qs.filter(history_user__username=filters["user"])
        if filters.get("since"):
            # Midnight where the programme is (TIME_ZONE), not where the server is.
            since = datetime.datetime.combine(filters["since"], datetime.time.min)
            qs = qs.filter(history_date__gte=timezone.make_aware(since))
        streams.append([(row, tracked) for row in qs[:PAGE_SIZE]])
    merged = heapq.merge(*streams, key=lambda pair: pair[0].history_date, reverse=True)
    entries = []
    for row, tracked in merged:
        if len(entries) == PAGE_SIZE:
            break
        entries.append(
            {
                "when": row.history_date,
                "who": row.history_user,
                "kind": row.get_history_type_display(),
                "model": tracked._meta.verbose_name,
                "object": history_sentence(row),
                "reason": row.history_change_reason or "",
                "admin_url": _admin_history_url(tracked, row),
            }
        )
    return render(
        request,
        "programme/audit/log.html",
        {"form": form, "entries": entries, "page_size": PAGE_SIZE},
    )


_SENTENCES = {
    "+": (
        _("%(object)s, créé le %(day)s à %(time)s par %(who)s"),
        _("%(object)s, créé le %(day)s à %(time)s"),
    ),
    "~": (
        _("%(object)s, modifié le %(day)s à %(time)s par %(who)s"),
        _("%(object)s, modifié le %(day)s à %(time)s"),
    ),
    "-": (
        _("%(object)s, supprimé le %(day)s à %(time)s par %(who)s"),
        _("%(object)s, supprimé le %(day)s à %(time)s"),
    ),
}


def history_sentence(row):
    """A history row as people read it, at the programme's local time: "Vote de Kerourien,
    modifié le 1 décembre 2026 à 21:14 par Anne Le Bris" (not simple-history's
    "… as of 2026-12-01 20:14:13.224618+00:00")."""
    when = timezone.localtime(row.history_date)
    user = row.history_user
    with_user, without_user = _SENTENCES.get(row.history_type, _SENTENCES["~"])
    params = {
        "object": str(row.history_object),
        "day": date_format(when, "j F Y"),
        "time": time_format(when, "H:i"),
    }
    if user is None:
        return gettext(without_user) % params
    return gettext(with_user) % {**params, "who": user.get_full_name() or user.get_username()}


def _admin_history_url(tracked, row):
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    if tracked not in admin.site._registry:
        return ""
    try:
        return reverse(
            f"admin:{tracked._meta.app_label}_{tracked._meta.model_name}_history",
            args=[row.id],
        )
    except NoReverseMatch:
        return ""
