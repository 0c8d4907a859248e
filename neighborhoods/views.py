"""Views of the neighborhoods app: the coordinators' pipeline pages, meetings, the register.

Every page applies the user's scope (`rules.neighbourhoods_visible_to`); the actions are for
coordinators and go through the transition functions of `neighborhoods.pipeline`.
"""

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import DetailView, ListView

from brest_internet.common import formats
from brest_internet.common.links import link_to
from brest_internet.jobs.runner import JobAlreadyQueued

from . import pipeline, register, rules, services, stats, tasks
from .access import ALL_ROLES, COORDINATOR, LANDLORD, RoleRequiredMixin, role_required
from .forms import (
    AdvanceForm,
    DateCorrectionForm,
    MeetingForm,
    NeighbourhoodCreateForm,
    NeighbourhoodFilter,
    ReasonForm,
    RegisterUploadForm,
    SectorForm,
    StopForm,
)
from .models import (
    NAME_TAKEN_MESSAGE,
    Dwelling,
    Meeting,
    Neighbourhood,
    Occupancy,
    RegisterImport,
    StageChange,
    normalise_name,
)
from .views_register import register_neighbourhoods

Stage = Neighbourhood.Stage


def get_neighbourhood_for_user(user, slug):
    """The neighbourhood `slug` if it is in `user`'s scope; 404 otherwise."""
    return get_object_or_404(rules.neighbourhoods_visible_to(user), slug=slug)


def next_step_label(stage):
    step = pipeline.FORWARD.get(stage)
    if step is not None:
        return step.label
    if stage == Stage.VOTE:
        return _("Dépouiller et certifier le vote")
    if stage == Stage.RUNNING:
        return _("Bilan")
    return ""


class NeighbourhoodListView(RoleRequiredMixin, ListView):
    roles = ALL_ROLES
    template_name = "neighborhoods/neighbourhood_list.html"
    context_object_name = "neighbourhoods"
    paginate_by = 50

    def get_queryset(self):
        qs = (
            rules.neighbourhoods_visible_to(self.request.user)
            # The register's size as its writers keep it (one row joined, not a count of the
            # dwellings of each neighbourhood listed).
            .annotate(dwelling_count=stats.kept_register_size())
            .select_related("landlord", "centre")
            .order_by("name")
        )
        self.filterset = NeighbourhoodFilter(self.request.GET or None, queryset=qs)
        return self.filterset.qs if self.filterset.is_bound else qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        # Each row's stage, next step and link, computed once per stage and once per page
        # rather than through the template for each row (the stage's translated label and the
        # URL's reverse were half of a page of 50 rows).
        stages = {
            stage: (str(label), str(next_step_label(stage)) or "—")
            for stage, label in Stage.choices
        }
        link = link_to("neighborhoods:detail", "slug")
        for nbh in context["neighbourhoods"]:
            nbh.stage_label, nbh.next_step_label = stages[nbh.stage]
            nbh.link = link(nbh.slug)  # its get_absolute_url
        return context


class NeighbourhoodDetailView(RoleRequiredMixin, DetailView):
    roles = ALL_ROLES
    template_name = "neighborhoods/neighbourhood_detail.html"
    context_object_name = "nbh"

    def get_object(self, queryset=None):
        return get_object_or_404(
            rules.neighbourhoods_visible_to(self.request.user)
            .select_related("landlord", "centre")
            .prefetch_related("partners", "associations", "sectors"),
            slug=self.kwargs["slug"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        nbh = self.object
        context.update(neighbourhood_context(nbh, self.request.user))
        return context


def neighbourhood_context(nbh, user, **forms):
    """Timeline, key figures, next step and the allowed actions of `nbh` (constant queries)."""
    changes = list(nbh.stage_changes.select_related("recorded_by").order_by("recorded_at", "id"))
    meetings = list(nbh.meetings.prefetch_related("organisations").order_by("held_on", "id"))
    corrections = {}
    for correction in nbh.date_corrections.select_related("recorded_by").order_by(
        "recorded_at", "id"
    ):
        if correction.stage_change_id is not None:
            key = ("stage", correction.stage_change_id)
        else:
            key = ("meeting", correction.meeting_id)
        corrections.setdefault(key, []).append(correction)
    for change in changes:
        change.corrections = corrections.get(("stage", change.pk), [])
        change.correctable = pipeline.stage_date_correction_refusal(change) is None
    for meeting in meetings:
        meeting.corrections = corrections.get(("meeting", meeting.pk), [])
    timeline = [{"on": c.happened_on, "kind": "stage", "change": c} for c in changes] + [
        {"on": m.held_on, "kind": "meeting", "meeting": m} for m in meetings
    ]
    timeline.sort(key=lambda item: (item["on"], 0 if item["kind"] == "meeting" else 1))

    by_status = dict(
        Dwelling.objects.filter(neighbourhood=nbh)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    status_rows = [(label, by_status.get(value, 0)) for value, label in Dwelling.Status.choices]
    households = Occupancy.objects.filter(
        dwelling__neighbourhood=nbh, moved_out__isnull=True
    ).count()
    step = pipeline.next_step(nbh)
    manages = rules.can_manage_pipeline(user)
    context = {
        "timeline": timeline,
        "status_rows": status_rows,
        "dwelling_total": sum(by_status.values()),
        "households": households,
        "next_step": step,
        "is_coordinator": manages,
        "can_use_register": rules.can_keep_register(user, nbh),
    }
    if manages:
        context["sector_form"] = forms.get("sector_form") or SectorForm(auto_id="secteur_%s")
        if step and step.to_stage and not step.missing:
            context["advance_form"] = forms.get("advance_form") or AdvanceForm(
                initial={"to_stage": step.to_stage, "expected_stage": nbh.stage}
            )
        stop_choices = [
            (stage, Stage(stage).label)
            for stage, sources in pipeline.STOPS_FROM.items()
            if nbh.stage in sources and stage != Stage.REJECTED
        ]
        if stop_choices:
            context["stop_form"] = forms.get("stop_form") or StopForm(
                choices=stop_choices, initial={"expected_stage": nbh.stage}
            )
        if nbh.is_stopped:
            context["reopen_form"] = forms.get("reopen_form") or ReasonForm(
                initial={"expected_stage": nbh.stage}
            )
    return context


@role_required(COORDINATOR)
@require_http_methods(["GET", "POST"])
def neighbourhood_create(request):
    """A new candidate neighbourhood, through `pipeline.create_candidate` (first history row)."""
    form = NeighbourhoodCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                nbh = pipeline.create_candidate(
                    by=request.user,
                    name=data["name"],
                    slug=form.unique_slug(),
                    landlord=data["landlord"],
                    centre=data["centre"],
                    planned_year=data["planned_year"],
                    expected_dwellings=data["expected_dwellings"],
                )
                nbh.associations.set(data["associations"])
                nbh.partners.set(data["partners"])
        except IntegrityError:
            # Someone created the same name (up to case and accents) since the form was checked.
            other = Neighbourhood.objects.filter(name_key=normalise_name(data["name"])).first()
            form.add_error("name", NAME_TAKEN_MESSAGE % {"other": other or data["name"]})
        else:
            messages.success(request, _("Quartier candidat créé : %(name)s.") % {"name": nbh.name})
            return redirect(nbh)
    return render(
        request,
        "neighborhoods/neighbourhood_form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@role_required(COORDINATOR)
@require_GET
def funnel(request):
    """How many neighbourhoods and dwellings are at each stage of the pipeline."""
    dwellings = dict(
        Dwelling.objects.order_by().values_list("neighbourhood__stage").annotate(n=Count("pk"))
    )
    counts = dict(
        Neighbourhood.objects.order_by()
        .values_list("stage")
        .annotate(n=Count("pk"), expected=Sum("expected_dwellings"))
        .values_list("stage", "n")
    )
    rows = [
        {
            "stage": label,
            "value": value,
            "neighbourhoods": counts.get(value, 0),
            "dwellings": dwellings.get(value, 0),
            "stop": value in Neighbourhood.STOPS,
        }
        for value, label in Stage.choices
    ]
    return render(
        request,
        "neighborhoods/funnel.html",
        {
            "rows": rows,
            "total_neighbourhoods": sum(counts.values()),
            "total_dwellings": sum(dwellings.values()),
        },
    )


def _refused(request, nbh, error, **forms):
    messages.error(request, str(error))
    context = {"nbh": nbh, **neighbourhood_context(nbh, request.user, **forms)}
    return render(request, "neighborhoods/neighbourhood_detail.html", context, status=400)


def _transition(request, nbh, form, *, apply, done, unmotivated=None, keep_form=None):
    """The pipeline's buttons: check the form, run the transition `apply(data)` (the form's
    fields are the transition's arguments), then show the neighbourhood's new stage with `done`,
    or the page again with the refusal."""
    if not form.is_valid():
        if unmotivated and "reason" in form.errors:
            error = unmotivated
        else:
            error = _("Formulaire incomplet.")
        return _refused(request, nbh, error, **({keep_form: form} if keep_form else {}))
    try:
        apply(form.cleaned_data)
    except (pipeline.TransitionError, ValueError) as error:
        nbh.refresh_from_db()
        return _refused(request, nbh, error)
    nbh.refresh_from_db()
    messages.success(request, done % {"name": nbh, "stage": nbh.get_stage_display()})
    return redirect(nbh)


@role_required(COORDINATOR)
@require_POST
def advance(request, slug):
    nbh = get_neighbourhood_for_user(request.user, slug)
    return _transition(
        request,
        nbh,
        AdvanceForm(request.POST),
        keep_form="advance_form",
        apply=lambda data: pipeline.advance(nbh, by=request.user, **data),
        done=_("%(name)s : étape « %(stage)s »."),
    )


@role_required(COORDINATOR)
@require_POST
def stop(request, slug):
    nbh = get_neighbourhood_for_user(request.user, slug)
    choices = [(s, Stage(s).label) for s in pipeline.STOPS_FROM if s != Stage.REJECTED]
    return _transition(
        request,
        nbh,
        StopForm(request.POST, choices=choices),
        unmotivated=_("Un arrêt doit être motivé."),
        apply=lambda data: pipeline.stop(nbh, by=request.user, **data),
        done=_("%(name)s : étape « %(stage)s »."),
    )


@role_required(COORDINATOR)
@require_POST
def reopen(request, slug):
    nbh = get_neighbourhood_for_user(request.user, slug)
    return _transition(
        request,
        nbh,
        ReasonForm(request.POST),
        unmotivated=_("Une réouverture doit être motivée."),
        apply=lambda data: pipeline.reopen(nbh, by=request.user, **data),
        done=_("%(name)s rouvert : étape « %(stage)s »."),
    )


@role_required(COORDINATOR)
@require_http_methods(["GET", "POST"])
def meeting_edit(request, slug, pk=None):
    """Create (no pk) or edit a meeting of the neighbourhood."""
    nbh = get_neighbourhood_for_user(request.user, slug)
    meeting = get_object_or_404(Meeting, pk=pk, neighbourhood=nbh) if pk else None
    # "?type=bilan": the review step of the neighbourhood's page opens the form on that kind.
    initial = {"kind": Meeting.Kind.REVIEW} if request.GET.get("type") == "bilan" else None
    form = MeetingForm(request.POST or None, instance=meeting, neighbourhood=nbh, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Réunion enregistrée."))
        return redirect(nbh)
    return render(
        request,
        "neighborhoods/meeting_form.html",
        {"nbh": nbh, "form": form, "meeting": meeting},
        status=400 if form.is_bound else 200,
    )


@role_required(COORDINATOR)
@require_http_methods(["GET", "POST"])
def sector_create(request, slug):
    """Add a sector to the neighbourhood (the form is on its page; shown alone with errors)."""
    nbh = get_neighbourhood_for_user(request.user, slug)
    form = SectorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sector = services.sector_create(by=request.user, neighbourhood=nbh, **form.cleaned_data)
        except services.SectorError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, _("Secteur « %(name)s » ajouté.") % {"name": sector.name})
            return redirect(nbh)
    return render(
        request,
        "neighborhoods/sector_form.html",
        {"nbh": nbh, "form": form},
        status=400 if form.is_bound else 200,
    )


def _date_correction(request, nbh, *, refusal, subject, current, what, correct):
    """The page that corrects the date of a stage or a meeting: the date, the reason, then the
    service; a refusal is shown on the page, with everything typed kept. A date that cannot be
    corrected at all (`refusal`) sends back to the neighbourhood's page with the reason."""
    if refusal:
        messages.error(request, refusal)
        return redirect(nbh)
    form = DateCorrectionForm(request.POST or None, initial={"on": current})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                changed = correct(on=data["on"], reason=data["reason"], by=request.user)
            except pipeline.TransitionError as error:
                form.add_error("on", str(error))
            else:
                if changed:
                    messages.success(
                        request,
                        _("Date corrigée : %(what)s, du %(old)s au %(new)s.")
                        % {
                            "what": what,
                            "old": formats.day(current),
                            "new": formats.day(data["on"]),
                        },
                    )
                else:
                    messages.info(request, _("La date était déjà celle-ci : rien n'a changé."))
                return redirect(nbh)
    return render(
        request,
        "neighborhoods/date_correct.html",
        {"nbh": nbh, "form": form, "subject": subject, "what": what, "current": current},
        status=status,
    )


@role_required(COORDINATOR)
@require_http_methods(["GET", "POST"])
def stage_date_correct(request, slug, pk):
    """Correct the date of a step of the pipeline, with a reason kept in the history."""
    nbh = get_neighbourhood_for_user(request.user, slug)
    change = get_object_or_404(StageChange, pk=pk, neighbourhood=nbh)
    return _date_correction(
        request,
        nbh,
        refusal=pipeline.stage_date_correction_refusal(change),
        subject=change,
        current=change.happened_on,
        what=_("étape « %(stage)s »") % {"stage": change.get_to_stage_display()},
        correct=lambda **kw: pipeline.stage_date_correct(stage_change=change, **kw),
    )


@role_required(COORDINATOR)
@require_http_methods(["GET", "POST"])
def meeting_date_correct(request, slug, pk):
    """Correct the date of a meeting, with a reason kept in the history."""
    nbh = get_neighbourhood_for_user(request.user, slug)
    meeting = get_object_or_404(Meeting, pk=pk, neighbourhood=nbh)
    return _date_correction(
        request,
        nbh,
        refusal=pipeline.meeting_date_correction_refusal(meeting),
        subject=meeting,
        current=meeting.held_on,
        what=meeting.get_kind_display(),
        correct=lambda **kw: pipeline.meeting_date_correct(meeting=meeting, **kw),
    )


# The register ---------------------------------------------------------------------------


@role_required(COORDINATOR, LANDLORD)
@require_http_methods(["GET", "POST"])
def register_import(request):
    """Step 1: upload a file; the dry run shows what it would do, or every error."""
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            try:
                if tasks.runs_in_background(register.estimated_rows(upload.name, content)):
                    # A large file is checked by a job (200 000 rows outlast a request); the
                    # job's page says when it can be confirmed.
                    received = register.register_import_receive(
                        user=request.user, name=upload.name, content=content
                    )
                    job = tasks.register_import_check_defer(user=request.user, pending=received)
                    return redirect("jobs:detail", pk=job.pk)
                plan, pending = register.register_import_preview(
                    user=request.user, name=upload.name, content=content
                )
            except register.RegisterFileError as error:
                form.add_error("file", str(error))
            else:
                context.update(plan=plan, pending=pending, filename=upload.name)
                status = 200 if plan.ok else 400
    context["preview_hours"] = settings.REGISTER_PREVIEW_HOURS
    context["recent"] = RegisterImport.objects.filter(uploaded_by=request.user).defer("content")[:5]
    if "pending" not in context:
        # A file checked by a background job waits here for its confirmation.
        context["waiting"] = (
            RegisterImport.objects.filter(
                uploaded_by=request.user, status=RegisterImport.Status.PENDING
            )
            .defer("content")
            .first()
        )
    context["registers"] = (
        register_neighbourhoods(request.user).with_dwelling_counts().order_by("name")
    )
    return render(request, "neighborhoods/register_import.html", context, status=status)


@role_required(COORDINATOR, LANDLORD)
@require_POST
def register_import_confirm(request, pk):
    """Step 2: apply the previewed file, all or nothing (a large one in a background job)."""
    pending = get_object_or_404(
        RegisterImport.objects.only("pk", "rows", "filename", "status"),
        pk=pk,
        uploaded_by=request.user,
    )
    if tasks.runs_in_background(pending.rows) and pending.status == RegisterImport.Status.PENDING:
        # Beyond a few thousand rows the writes outlast a request (gunicorn's 30 s): a worker
        # applies the file, the page of the job follows it.
        try:
            job = tasks.register_import_apply_defer(user=request.user, pending=pending)
        except JobAlreadyQueued as exc:
            messages.error(request, str(exc))
            if exc.job is None:
                return redirect("neighborhoods:register_import")
            return redirect("jobs:detail", pk=exc.job.pk)
        return redirect("jobs:detail", pk=job.pk)
    try:
        plan, pending = register.register_import_apply(user=request.user, pending_id=pk)
    except register.RegisterFileError as error:
        messages.error(request, str(error))
        return redirect("neighborhoods:register_import")
    if not plan.ok:
        messages.error(request, _("Le registre a changé depuis l'aperçu : rien n'a été importé."))
        return render(
            request,
            "neighborhoods/register_import.html",
            {"form": RegisterUploadForm(), "plan": plan, "filename": pending.filename},
            status=400,
        )
    messages.success(
        request,
        _("Registre importé. Logements ajoutés : %(created)d ; mis à jour : %(updated)d.")
        % {"created": pending.created_count, "updated": pending.updated_count},
    )
    return redirect("neighborhoods:register_import")


@role_required(COORDINATOR, LANDLORD)
@require_POST
def register_import_cancel(request, pk):
    """Abandon a previewed file: nothing is imported and its content is erased at once."""
    get_object_or_404(RegisterImport.objects.only("pk"), pk=pk, uploaded_by=request.user)
    try:
        register.register_import_cancel(user=request.user, pending_id=pk)
    except register.RegisterFileError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Aperçu abandonné : rien n'a été importé et le fichier est effacé.")
        )
    return redirect("neighborhoods:register_import")


@role_required(COORDINATOR, LANDLORD)
@require_GET
def register_export(request):
    """The register of the user's neighbourhoods (or of one: ?quartier=<slug>), CSV or XLSX."""
    scope = rules.register_neighbourhoods(request.user)
    dwellings = Dwelling.objects.filter(neighbourhood__in=scope)
    name = "registre"
    if request.GET.get("quartier"):
        nbh = scope.filter(slug=request.GET["quartier"]).first()
        if nbh is None:
            raise Http404
        dwellings = dwellings.filter(neighbourhood=nbh)
        name = f"registre-{nbh.slug}"
    name += f"-{timezone.localdate():%Y-%m-%d}"
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            register.export_xlsx(dwellings),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        response = HttpResponse(
            register.export_csv(dwellings), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
