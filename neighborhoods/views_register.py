"""The housing register day to day: a neighbourhood's dwellings, a dwelling's occupancy history,
and the forms that record a move-in, a move-out, a status change or a correction.

Who: landlord staff keep their own landlord's register, coordinators every register (as with
the import); the other roles get a 403, a dwelling outside one's scope a 404. The changes go
through `neighborhoods.moves`, which checks the register's rules under a row lock.
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import ListView

from brest_internet.common import formats, history
from brest_internet.common.links import link_to

from . import moves
from .access import COORDINATOR, LANDLORD, RoleRequiredMixin, role_required
from .forms import (
    DwellingFilter,
    DwellingStatusForm,
    MoveInForm,
    MoveOutForm,
    OccupancyCorrectForm,
)
from .models import Dwelling, Occupancy
from .rules import register_neighbourhoods

REGISTER_ROLES = (COORDINATOR, LANDLORD)
Status = Dwelling.Status
JOURNAL_ROWS = 200  # per kind of record; a dwelling changes a few times a year


def get_dwelling_for_user(user, slug, pk):
    """Dwelling `pk` of neighbourhood `slug` if its register is in `user`'s scope; else 404."""
    return get_object_or_404(
        Dwelling.objects.select_related("neighbourhood", "sector").filter(
            neighbourhood__in=register_neighbourhoods(user)
        ),
        neighbourhood__slug=slug,
        pk=pk,
    )


_d = formats.day


class RegisterView(RoleRequiredMixin, ListView):
    """A neighbourhood's register: its dwellings with their status and household in place,
    filtered and paginated (a constant number of queries whatever the register's size)."""

    roles = REGISTER_ROLES
    template_name = "neighborhoods/register.html"
    context_object_name = "dwellings"
    paginate_by = 50

    def get_queryset(self):
        self.nbh = get_object_or_404(
            register_neighbourhoods(self.request.user), slug=self.kwargs["slug"]
        )
        dwellings = Dwelling.objects.filter(neighbourhood=self.nbh)
        buildings = (
            dwellings.exclude(building="")
            .order_by("building")
            .values_list("building", flat=True)
            .distinct()
        )
        qs = (
            dwellings.select_related("sector")
            .prefetch_related(
                Prefetch(
                    "occupancies",
                    queryset=Occupancy.objects.current().select_related("household"),
                    to_attr="in_place",
                )
            )
            .order_by("reference")
        )
        self.filterset = DwellingFilter(
            self.request.GET or None, queryset=qs, buildings=list(buildings)
        )
        if not self.filterset.is_bound:
            return qs
        # A filter that cannot be read shows nothing rather than the whole register.
        return self.filterset.qs if self.filterset.is_valid() else qs.none()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(nbh=self.nbh, filter=self.filterset)
        # Each row's link and status once per page, not a reverse and a choices lookup per row.
        link = link_to("neighborhoods:dwelling", "pk", slug=self.nbh.slug)
        statuses = {value: str(label) for value, label in Dwelling.Status.choices}
        for dwelling in context["dwellings"]:
            dwelling.household_in_place = dwelling.in_place[0] if dwelling.in_place else None
            dwelling.link, dwelling.status_label = link(dwelling.pk), statuses[dwelling.status]
        return context


DWELLING_SHOWN = [
    history.Shown("status", _("statut")),
    history.Shown("address", _("adresse")),
    history.Shown("building", _("bâtiment")),
    history.Shown("entrance", _("entrée")),
    history.Shown("reference", _("référence")),
]
OCCUPANCY_SHOWN = [
    history.Shown("moved_in", _("entrée dans les lieux")),
    history.Shown("moved_out", _("sortie")),
]


def _first_values(record, shown):
    """What a record's first row in the journal says: each of its fields that holds a value."""
    values = []
    for field in shown:
        value = history.readable(
            getattr(record, field.name), record.instance_type._meta.get_field(field.name)
        )
        if value != history.NOTHING:
            values.append((field.label, None, value))
    return values


def dwelling_journal(dwelling, occupancies):
    """Every recorded change of the dwelling and of its occupancies, newest first: when, who,
    what changed and why (`brest_internet.common.history`; two queries)."""
    households = {o.pk: o.household for o in occupancies}
    entries = []
    sources = (
        (dwelling.history.filter(id=dwelling.pk), DWELLING_SHOWN, "dwelling"),
        (Occupancy.history.filter(dwelling_id=dwelling.pk), OCCUPANCY_SHOWN, "occupancy"),
    )
    for records, shown, kind in sources:
        newest = records.select_related("history_user").order_by("-history_date", "-history_id")
        seen = set()
        for line in history.lines(list(reversed(newest[:JOURNAL_ROWS])), shown):
            record = line.record
            first = record.id not in seen
            seen.add(record.id)
            if line.kind == "-":
                changes = []
            elif first:
                changes = _first_values(record, shown)  # its first row: what it holds
            else:
                changes = [(c.label, c.old, c.new) for c in line.changes]
            entry = {
                "at": line.at,
                "user": line.by,
                "reason": line.reason,
                "kind": kind,
                "type": line.kind,
                "changes": changes,
            }
            if kind == "occupancy":
                entry["household"] = households.get(record.id, "—")
            entries.append(entry)
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries


def dwelling_context(dwelling):
    occupancies = list(
        dwelling.occupancies.select_related("household").order_by("-moved_in", "-id")
    )
    current = next((o for o in occupancies if o.moved_out is None), None)
    return {
        "nbh": dwelling.neighbourhood,
        "dwelling": dwelling,
        "occupancies": occupancies,
        "current": current,
        "can_move_in": current is None and dwelling.status != Status.OUT_OF_SERVICE,
        "journal": dwelling_journal(dwelling, occupancies),
    }


@role_required(*REGISTER_ROLES)
@require_GET
def dwelling_detail(request, slug, pk):
    """A dwelling: its status, its household in place, every occupancy and every change."""
    dwelling = get_dwelling_for_user(request.user, slug, pk)
    return render(request, "neighborhoods/dwelling_detail.html", dwelling_context(dwelling))


def _dwelling_url(dwelling):
    return reverse(
        "neighborhoods:dwelling",
        kwargs={"slug": dwelling.neighbourhood.slug, "pk": dwelling.pk},
    )


def _form_page(request, dwelling, form, *, title, submit, intro="", blocked="", extra=None):
    context = {
        "nbh": dwelling.neighbourhood,
        "dwelling": dwelling,
        "form": form,
        "title": title,
        "submit": submit,
        "intro": intro,
        "blocked": blocked,
        "field_errors": any(field.errors for field in form.visible_fields()),
        **(extra or {}),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "neighborhoods/dwelling_form.html", context, status=status)


def _dwelling_form(request, dwelling, form, act, *, unchanged, **page):
    """A register form: on a valid POST, run `act(data)`, a call of a `moves` service returning
    (written, message to show), then go back to the dwelling's page with the message, or with
    `unchanged` (a text, or a function of the data) when nothing was written. A refusal goes on
    the form, shown again with `page` (see `_form_page`)."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            written, text = act(data)
        except moves.MoveError as error:
            error.add_to(form)
        else:
            if written:
                messages.success(request, text)
            else:
                messages.info(request, unchanged(data) if callable(unchanged) else unchanged)
            return redirect(_dwelling_url(dwelling))
    return _form_page(request, dwelling, form, **page)


@role_required(*REGISTER_ROLES)
@require_http_methods(["GET", "POST"])
def move_in(request, slug, pk):
    """Record a new household moving into the dwelling (which becomes occupied)."""
    dwelling = get_dwelling_for_user(request.user, slug, pk)
    current = moves.current_occupancy(dwelling)
    blocked = ""
    if current is not None:
        blocked = _(
            "Le foyer %(household)s habite ce logement depuis le %(since)s : enregistrez "
            "d'abord sa sortie."
        ) % {"household": current.household, "since": _d(current.moved_in)}
    elif dwelling.status == Status.OUT_OF_SERVICE:
        blocked = _(
            "Ce logement est hors service : personne ne peut y entrer. Changez d'abord son "
            "statut s'il est de nouveau habitable."
        )

    def move_in(data):
        occupancy, written = moves.household_move_in(
            dwelling=dwelling,
            name=data["name"],
            phone=data["phone"],
            email=data["email"],
            moved_in=data["moved_in"],
            by=request.user,
        )
        return written, _(
            "Entrée du foyer %(household)s le %(day)s enregistrée : le logement "
            "%(dwelling)s est occupé."
        ) % {
            "household": occupancy.household,
            "day": _d(occupancy.moved_in),
            "dwelling": dwelling,
        }

    return _dwelling_form(
        request,
        dwelling,
        MoveInForm(request.POST or None),
        move_in,
        unchanged=_("Cette entrée était déjà enregistrée."),
        title=_("Entrée d'un foyer"),
        submit=_("Enregistrer l'entrée"),
        intro=_(
            "Le nom du foyer et, si le foyer le souhaite, un seul moyen de le joindre : le "
            "programme ne garde rien de plus. Le logement devient occupé."
        ),
        blocked=blocked if request.method == "GET" else "",
    )


@role_required(*REGISTER_ROLES)
@require_http_methods(["GET", "POST"])
def move_out(request, slug, pk):
    """Record the household in place moving out (the dwelling becomes vacant unless told)."""
    dwelling = get_dwelling_for_user(request.user, slug, pk)
    current = moves.current_occupancy(dwelling)
    form = MoveOutForm(request.POST or None, initial={"occupancy": current.pk if current else None})

    def move_out(data):
        occupancy = (
            Occupancy.objects.filter(pk=data["occupancy"], dwelling=dwelling)
            .select_related("household")
            .first()
        )
        if occupancy is None:
            raise moves.MoveError(_("Cette occupation n'est pas celle de ce logement."))
        ended, written = moves.household_move_out(
            occupancy=occupancy,
            moved_out=data["moved_out"],
            vacate=data["vacate"],
            by=request.user,
        )
        text = _("Sortie du foyer %(household)s le %(day)s enregistrée.") % {
            "household": ended.household,
            "day": _d(ended.moved_out),
        }
        if data["vacate"]:
            text += " " + _("Le logement est vacant.")
        return written, text

    blocked = ""
    if current is None and request.method == "GET":
        blocked = _("Aucun foyer n'est en place dans ce logement.")
    title = _("Sortie d'un foyer")
    if current is not None:
        title = _("Sortie du foyer %(household)s") % {"household": current.household}
    return _dwelling_form(
        request,
        dwelling,
        form,
        move_out,
        unchanged=_("Cette sortie était déjà enregistrée."),
        title=title,
        submit=_("Enregistrer la sortie"),
        intro=_(
            "Le jour de la sortie, le foyer ne vit plus dans le logement : la redevance du mois "
            "suivant est à la charge du bailleur si personne n'y est entré d'ici le 1er."
        ),
        blocked=blocked,
        extra={"current": current},
    )


@role_required(*REGISTER_ROLES)
@require_http_methods(["GET", "POST"])
def dwelling_status(request, slug, pk):
    """Change the dwelling's status (occupied, vacant, out of service)."""
    dwelling = get_dwelling_for_user(request.user, slug, pk)
    form = DwellingStatusForm(
        request.POST or None, current=dwelling.status, initial={"expected_status": dwelling.status}
    )

    def names(data):
        return {"dwelling": dwelling, "status": Status(data["status"]).label}

    def change(data):
        written = moves.dwelling_status_change(
            dwelling=dwelling,
            status=data["status"],
            reason=data["reason"],
            expected_status=data["expected_status"],
            by=request.user,
        )
        return written, _("Logement %(dwelling)s : statut « %(status)s ».") % names(data)

    blocked = ""
    current = moves.current_occupancy(dwelling) if request.method == "GET" else None
    if current is not None:
        blocked = _(
            "Le foyer %(household)s habite ce logement : il reste occupé jusqu'à ce que sa "
            "sortie soit enregistrée."
        ) % {"household": current.household}
    return _dwelling_form(
        request,
        dwelling,
        form,
        change,
        unchanged=lambda data: (
            _("Le logement %(dwelling)s était déjà « %(status)s ».") % names(data)
        ),
        title=_("Statut du logement"),
        submit=_("Changer le statut"),
        intro=_("Statut actuel : « %(status)s ».") % {"status": dwelling.get_status_display()},
        blocked=blocked,
    )


@role_required(*REGISTER_ROLES)
@require_http_methods(["GET", "POST"])
def occupancy_correct(request, slug, pk, occupancy):
    """Correct the dates of an occupancy recorded wrongly (never deleted), with a reason."""
    dwelling = get_dwelling_for_user(request.user, slug, pk)
    occupancy = get_object_or_404(
        Occupancy.objects.select_related("household"), pk=occupancy, dwelling=dwelling
    )
    form = OccupancyCorrectForm(
        request.POST or None,
        initial={"moved_in": occupancy.moved_in, "moved_out": occupancy.moved_out},
    )

    def correct(data):
        written = moves.occupancy_correct(
            occupancy=occupancy,
            moved_in=data["moved_in"],
            moved_out=data["moved_out"],
            reason=data["reason"],
            by=request.user,
        )
        return written, _("Dates de l'occupation du foyer %(household)s corrigées.") % {
            "household": occupancy.household
        }

    return _dwelling_form(
        request,
        dwelling,
        form,
        correct,
        unchanged=_("Ces dates étaient déjà enregistrées."),
        title=_("Corriger l'occupation du foyer %(household)s")
        % {"household": occupancy.household},
        submit=_("Enregistrer la correction"),
        intro=_(
            "Une occupation n'est jamais supprimée : ses dates sont corrigées, et la correction "
            "reste dans son historique avec son motif. Dates enregistrées : entrée le "
            "%(moved_in)s, sortie le %(moved_out)s."
        )
        % {"moved_in": _d(occupancy.moved_in), "moved_out": _d(occupancy.moved_out)},
    )
