"""The admin, for coordinators: search, filters, inlines, and the pipeline's transitions as
actions that go through the same functions as the pages (`neighborhoods.pipeline`)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from brest_internet.common.admin import (
    QuickRelatedFieldListFilter,
    ReadOnlyAdmin,
    ReadOnlyTabularInline,
)
from brest_internet.common.paginators import EstimatedCountPaginator

from . import accounts, pipeline, summaries
from .models import (
    DateCorrection,
    Dwelling,
    Household,
    Meeting,
    Neighbourhood,
    Occupancy,
    Organisation,
    RegisterImport,
    Sector,
    StageChange,
    User,
)


class NoRevertMixin:
    """The history of these rows is shown, but its "revert" page would write an old state back
    (a stage, a status, a move, a date) without the checks of the functions that own it."""

    revert_allowed = False  # read by the permission matrix

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        raise PermissionDenied


class MeetingAdminForm(forms.ModelForm):
    """A recorded meeting's date is corrected through `pipeline.meeting_date_correct` (on the
    neighbourhood's page, with a reason kept in the history), not overwritten here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and "held_on" in self.fields:
            self.fields["held_on"].disabled = True
            self.fields["held_on"].help_text = gettext(
                "Une date enregistrée se corrige sur la page du quartier (« corriger la date »), "
                "motif à l'appui."
            )


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts as on the coordinators' pages: a new account gets an invitation (no password
    typed here, `accounts.account_invite`), and nobody sets another person's password."""

    list_display = ["username", "first_name", "last_name", "organisation", "role", "is_active"]
    list_filter = ["role", "organisation", "is_active"]
    list_select_related = ["organisation"]
    fieldsets = [
        (None, {"fields": ["username"]}),
        *BaseUserAdmin.fieldsets[1:],
        (_("Programme"), {"fields": ["organisation", "role"]}),
    ]
    add_form = accounts.AccountForm
    add_form_template = None  # the plain add form: Django's speaks of a password to type
    add_fieldsets = [
        (None, {"fields": ["first_name", "last_name", "email"]}),
        (_("Programme"), {"fields": ["role", "organisation"]}),
    ]
    actions = ["resend_invitation", "reset_second_factor"]

    def add_view(self, request, form_url="", extra_context=None):
        # Django's user admin asks for the change permission as well, lest a person allowed only
        # to add create a superuser; this add form has no flag, no group, no password, so the
        # coordination adds accounts without changing them here.
        return admin.ModelAdmin.add_view(self, request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            accounts.account_invite(by=request.user, request=request, user=obj)
        except accounts.InvitationNotSent as error:
            self.message_user(request, str(error), messages.WARNING)
        else:
            self.message_user(
                request,
                gettext("Une invitation est partie à %(email)s.") % {"email": obj.email},
                messages.SUCCESS,
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.sync_role_group()

    def user_change_password(self, request, id, form_url=""):
        """Refused: a person chooses their own password (from an invitation, "mot de passe
        oublié", or their own page); a coordinator resends the invitation instead."""
        raise PermissionDenied

    def _each(self, request, queryset, apply, done_message):
        done = 0
        for user in queryset:
            try:
                if apply(user) is not False:
                    done += 1
            except accounts.AccountError as error:
                self.message_user(request, f"{user} : {error}", messages.ERROR)
        if done:
            self.message_user(request, done_message(done) % {"n": done}, messages.SUCCESS)

    # Open to whoever sees the accounts (the coordination): the same services as their page.
    @admin.action(description=_("Renvoyer l'invitation"), permissions=["view"])
    def resend_invitation(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda user: accounts.account_invitation_resend(
                by=request.user, request=request, user=user
            ),
            lambda n: ngettext(
                "%(n)d invitation envoyée à nouveau.", "%(n)d invitations envoyées à nouveau.", n
            ),
        )

    @admin.action(
        description=_("Réinitialiser la double authentification (téléphone perdu)"),
        permissions=["view"],
    )
    def reset_second_factor(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda user: accounts.account_second_factor_reset(by=request.user, user=user),
            lambda n: ngettext(
                "%(n)d double authentification réinitialisée.",
                "%(n)d doubles authentifications réinitialisées.",
                n,
            ),
        )


class SectorInline(admin.TabularInline):
    model = Sector
    extra = 0


class MeetingInline(admin.StackedInline):
    model = Meeting
    form = MeetingAdminForm
    extra = 0
    fields = [("kind", "held_on", "starts_at", "ends_at"), "place", "organisations", "decision"]
    autocomplete_fields = ["organisations"]
    show_change_link = True


class StageChangeInline(ReadOnlyTabularInline):
    """The pipeline's history, read-only: only the transition functions write it."""

    model = StageChange
    fields = ["happened_on", "from_stage", "to_stage", "recorded_by", "note", "recorded_at"]
    readonly_fields = fields


class DateCorrectionInline(ReadOnlyTabularInline):
    """The dates corrected on the neighbourhood's page, read-only (append-only rows)."""

    model = DateCorrection
    fields = ["stage_change", "meeting", "old_date", "new_date", "reason", "recorded_by"]
    readonly_fields = fields


class AdminReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}))


def _stop_action(to_stage, description):
    def action(modeladmin, request, queryset):
        return modeladmin.with_reason(
            request,
            queryset,
            title=description,
            apply=lambda nbh, reason: pipeline.stop(
                nbh, to_stage=to_stage, by=request.user, reason=reason
            ),
        )

    action.__name__ = f"stop_{to_stage}"
    return admin.action(description=description, permissions=["change"])(action)


# Every change list filtered by neighbourhood (the dwellings', subscriptions', charges'…) reads
# the 865 names as pairs rather than as neighbourhoods (a neighbourhood is its `name`).
admin.FieldListFilter.register(
    lambda f: bool(f.remote_field) and f.remote_field.model is Neighbourhood,
    QuickRelatedFieldListFilter,
    take_priority=True,
)


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(NoRevertMixin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "stage",
        "landlord",
        "centre",
        "planned_year",
        "launched_on",
        "expected_dwellings",
    ]
    list_filter = ["stage", "planned_year", "landlord", "centre"]
    list_select_related = ["landlord", "centre"]
    search_fields = ["name", "slug", "sectors__name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["stage", "launched_on", "service_ended_on"]
    filter_horizontal = ["partners", "associations"]
    inlines = [SectorInline, MeetingInline, StageChangeInline, DateCorrectionInline]
    show_full_result_count = False
    actions = [
        "advance_next",
        _stop_action(Neighbourhood.Stage.ABANDONED, _("Abandonner (avec motif)")),
        _stop_action(Neighbourhood.Stage.DECLINED, _("Refus des partenaires (avec motif)")),
        _stop_action(Neighbourhood.Stage.ENDED, _("Arrêter le service (avec motif)")),
        "reopen",
    ]

    def get_inline_instances(self, request, obj=None):
        # A new neighbourhood has no corrected date to show.
        inlines = super().get_inline_instances(request, obj)
        if obj is None:
            inlines = [i for i in inlines if not isinstance(i, DateCorrectionInline)]
        return inlines

    def save_model(self, request, obj, form, change):
        """A neighbourhood added here starts as a candidate, with its first history row."""
        if change:
            super().save_model(request, obj, form, change)
            return
        obj.stage = Neighbourhood.Stage.CANDIDATE
        super().save_model(request, obj, form, change)
        pipeline.start_history(obj, by=request.user)

    def _report(self, request, done, errors):
        if done:
            self.message_user(
                request,
                ngettext("%(n)d quartier modifié.", "%(n)d quartiers modifiés.", done)
                % {"n": done},
                messages.SUCCESS,
            )
        for nbh, error in errors:
            self.message_user(request, f"{nbh} : {error}", messages.ERROR)

    @admin.action(description=_("Passer à l'étape suivante"), permissions=["change"])
    def advance_next(self, request, queryset):
        done, errors = 0, []
        for nbh in queryset:
            step = pipeline.FORWARD.get(nbh.stage)
            if step is None:
                errors.append((nbh, gettext("pas d'étape suivante à franchir à la main")))
                continue
            try:
                pipeline.advance(
                    nbh, to_stage=step.to_stage, by=request.user, expected_stage=nbh.stage
                )
                done += 1
            except pipeline.TransitionError as error:
                errors.append((nbh, error))
        self._report(request, done, errors)

    @admin.action(description=_("Rouvrir (avec motif)"), permissions=["change"])
    def reopen(self, request, queryset):
        return self.with_reason(
            request,
            queryset,
            title=_("Rouvrir (avec motif)"),
            apply=lambda nbh, reason: pipeline.reopen(nbh, by=request.user, reason=reason),
        )

    def with_reason(self, request, queryset, *, title, apply):
        """Ask for the reason on an intermediate page, then apply the transition to each."""
        form = AdminReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done, errors = 0, []
            for nbh in queryset:
                try:
                    apply(nbh, form.cleaned_data["reason"])
                    done += 1
                except pipeline.TransitionError as error:
                    errors.append((nbh, error))
            self._report(request, done, errors)
            return None
        return TemplateResponse(
            request,
            "admin/neighborhoods/neighbourhood/reason.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "queryset": queryset,
                "form": form,
                "action": request.POST.get("action"),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(StageChange)
class StageChangeAdmin(ReadOnlyAdmin):
    """Append-only: visible, never written from here."""

    list_display = ["neighbourhood", "happened_on", "from_stage", "to_stage", "recorded_by"]
    list_filter = ["to_stage", "neighbourhood"]
    list_select_related = ["neighbourhood", "recorded_by"]
    search_fields = ["neighbourhood__name", "note"]
    date_hierarchy = "happened_on"


@admin.register(RegisterImport)
class RegisterImportAdmin(ReadOnlyAdmin):
    list_display = [
        "filename",
        "uploaded_by",
        "uploaded_at",
        "status",
        "rows",
        "created_count",
        "updated_count",
    ]
    list_filter = ["status"]
    list_select_related = ["uploaded_by"]
    search_fields = ["filename", "uploaded_by__username"]
    exclude = ["content"]


class OccupancyInline(ReadOnlyTabularInline):
    """Shown, not written: moves go through `neighborhoods.moves` (the register's pages), which
    check the dates under the dwelling's lock and end what the household had there."""

    model = Occupancy
    fields = ["household", "dwelling", "moved_in", "moved_out"]
    readonly_fields = fields


@admin.register(Dwelling)
class DwellingAdmin(NoRevertMixin, SimpleHistoryAdmin):
    list_display = [
        "reference",
        "neighbourhood",
        "sector",
        "address",
        "building",
        "entrance",
        "status",
    ]
    list_filter = ["status", "neighbourhood"]
    list_select_related = ["neighbourhood", "sector"]
    search_fields = ["reference", "address"]
    raw_id_fields = ["sector"]
    autocomplete_fields = ["neighbourhood"]
    # A million rows at national size: no full count, an order the unique reference's index
    # gives without sorting the table (the model's own ordering, said here so it stays so).
    ordering = ["reference"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50  # as the subscriptions' and charges' lists
    inlines = [OccupancyInline]

    # The register's sizes (`RegisterSize`) follow what the admin adds, moves or deletes, in the
    # admin's own transaction: the neighbourhood the dwelling was in and the one it is in now.
    def save_model(self, request, obj, form, change):
        before = set(form.initial.get("neighbourhood") and [form.initial["neighbourhood"]] or [])
        super().save_model(request, obj, form, change)
        summaries.register_sizes_refresh(before | {obj.neighbourhood_id})
        if change and before and before != {obj.neighbourhood_id}:
            summaries.dwellings_moved.send(
                sender=type(obj), neighbourhood_ids=before | {obj.neighbourhood_id}
            )

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        summaries.register_sizes_refresh([obj.neighbourhood_id])

    def delete_queryset(self, request, queryset):
        touched = set(queryset.values_list("neighbourhood", flat=True).distinct())
        super().delete_queryset(request, queryset)
        summaries.register_sizes_refresh(touched)

    def get_readonly_fields(self, request, obj=None):
        # The status of a dwelling in the register follows its moves and is changed with
        # `moves.dwelling_status_change` (refused while a household lives there).
        return ["status"] if obj is not None else []


@admin.register(Household)
class HouseholdAdmin(NoRevertMixin, SimpleHistoryAdmin):
    """No "revert": an old version would write back what anonymisation (`gdpr`) cleared."""

    list_display = ["name", "phone", "email", "anonymised_at"]
    search_fields = ["name", "occupancies__dwelling__reference"]
    # A million rows at national size: no full count, and the newest first by the primary key
    # rather than the model's order by name, which sorted the whole table for each page.
    ordering = ["-id"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50  # as the subscriptions' and charges' lists
    inlines = [OccupancyInline]


@admin.register(Occupancy)
class OccupancyAdmin(NoRevertMixin, ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read-only: a move-in, a move-out or a correction is made on the register's pages
    (`neighborhoods.moves`), with their checks and their reason in the history."""

    list_display = ["household", "dwelling", "moved_in", "moved_out"]
    list_select_related = ["household", "dwelling"]
    raw_id_fields = ["household", "dwelling"]
    search_fields = ["household__name", "dwelling__reference"]
    # As many rows as households: no full count, the newest first by the primary key rather
    # than the model's order by move-in date, which no index serves.
    ordering = ["-id"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator


@admin.register(DateCorrection)
class DateCorrectionAdmin(ReadOnlyAdmin):
    """Append-only: written by the corrections of dates on the neighbourhood's page."""

    list_display = ["neighbourhood", "old_date", "new_date", "stage_change", "meeting"]
    list_select_related = ["neighbourhood", "stage_change", "meeting__neighbourhood"]
    search_fields = ["neighbourhood__name", "reason"]


@admin.register(Meeting)
class MeetingAdmin(NoRevertMixin, SimpleHistoryAdmin):
    form = MeetingAdminForm
    list_display = ["neighbourhood", "kind", "held_on", "place", "decision"]
    list_filter = ["kind", "decision", "neighbourhood"]
    list_select_related = ["neighbourhood"]
    search_fields = ["neighbourhood__name", "place", "minutes"]
    date_hierarchy = "held_on"
    filter_horizontal = ["organisations"]
    autocomplete_fields = ["neighbourhood"]


# django-otp's admin would show any user's TOTP secret (its QR code page) to whoever reaches
# the admin: the secret is shown once, to its owner, by `neighborhoods.twofactor`.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
