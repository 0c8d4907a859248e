"""The admin of the offer, tariffs, subscriptions and charges, for the coordination.

State goes through `subscriptions.services`, as on the pages: a tariff is added by
`tariff_create` and closed by `tariff_close` (the admin form calls them while it validates, so a
refusal is shown as a form error, inside the admin's transaction); subscriptions move on through
actions. Charges, runs, months and adjustments are money already billed: read-only here. Plain
ModelAdmin (not SimpleHistoryAdmin) for tariffs and subscriptions: its "revert" would write an
old state back without the services' checks.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from brest_internet.common.admin import QuickActionCheckbox, ReadOnlyAdmin, ReadOnlyTabularInline
from brest_internet.common.paginators import EstimatedCountPaginator

from . import forms as pages
from . import rules, services
from .models import (
    Adjustment,
    Charge,
    ChargeExport,
    ChargeMonth,
    ChargeRun,
    LandlordMonth,
    Offer,
    RequestBatch,
    Subscription,
    Tariff,
)


class OfferRules:
    """The offer and its tariffs are the coordination's (`rules.can_manage_offer`); never
    deleted (charges point at them)."""

    def has_add_permission(self, request):
        return super().has_add_permission(request) and rules.can_manage_offer(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and rules.can_manage_offer(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Offer)
class OfferAdmin(OfferRules, SimpleHistoryAdmin):
    list_display = ["name", "operator", "download_mbps", "incoming_calls", "basic_tv"]
    list_filter = ["operator"]
    list_select_related = ["operator"]
    search_fields = ["name", "operator__name"]


class TariffAddForm(forms.ModelForm):
    """Adding a tariff is `services.tariff_create` (it refuses an overlapping period)."""

    user = None

    class Meta:
        model = Tariff
        fields = ["offer", "amount", "starts_on", "ends_on"]

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        data = self.cleaned_data
        try:
            self.instance = services.tariff_create(
                offer=data["offer"],
                amount=data["amount"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                by=self.user,
            )
        except services.ChargeError as exc:
            exc.add_to(self)


class TariffCloseForm(forms.ModelForm):
    """Changing a tariff is only giving it its last day: `services.tariff_close`."""

    user = None

    class Meta:
        model = Tariff
        fields = ["ends_on"]

    def _post_clean(self):
        super()._post_clean()
        if self.errors or "ends_on" not in self.changed_data:
            return
        ends_on = self.cleaned_data["ends_on"]
        if ends_on is None:
            self.add_error("ends_on", gettext("La fin d'un tarif ne peut pas être retirée."))
            return
        try:
            self.instance = services.tariff_close(
                tariff=self.instance, ends_on=ends_on, by=self.user
            )
        except services.ChargeError as exc:
            self.add_error("ends_on", str(exc))


@admin.register(Tariff)
class TariffAdmin(OfferRules, admin.ModelAdmin):
    list_display = ["offer", "amount", "starts_on", "ends_on", "created_at"]
    list_filter = ["offer"]
    list_select_related = ["offer"]
    search_fields = ["offer__name"]
    date_hierarchy = "starts_on"

    def get_readonly_fields(self, request, obj=None):
        return ["offer", "amount", "starts_on", "created_at"] if obj else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = TariffCloseForm if obj else TariffAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        """Nothing left to write: the service did it while the form was validated."""


# The pages' transition forms (and their `apply`), with the admin's plain date fields.


class SendForm(pages.SendForm):
    sent_on = forms.DateField(label=_("Transmis le"), initial=timezone.localdate)


class ActivateForm(pages.ActivateForm):
    activated_on = forms.DateField(label=_("Activé le"), initial=timezone.localdate)


class CancelForm(pages.CancelForm):
    cancelled_on = forms.DateField(label=_("Résilié le"), initial=timezone.localdate)
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(Subscription)
class SubscriptionAdmin(QuickActionCheckbox, admin.ModelAdmin):
    list_display = [
        "dwelling",
        "household",
        "status",
        "channel",
        "requested_on",
        "activated_on",
        "cancelled_on",
    ]
    list_filter = ["status", "channel", "dwelling__neighbourhood"]
    list_select_related = ["dwelling", "household"]
    search_fields = ["=dwelling__reference", "household__name", "=modem_serial"]
    # Every field in the model's order, who and when of a cancellation (the kit's) last.
    readonly_fields = [
        *(
            f.name
            for f in Subscription._meta.fields
            if f.name not in ("id", "cancelled_at", "cancelled_by")
        ),
        "cancelled_at",
        "cancelled_by",
    ]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # A quarter of Django's 100 rows: drawing the rows is what this page costs once nothing
    # counts (bench, 1 000 000 dwellings: 13 ms for the page, 0.3 ms for each row of eight
    # cells; 28 ms at 50 rows, 9× /sante/, 19 ms at 25). The list is searched and filtered
    # (a reference, a household, a status, a neighbourhood) more than read through.
    list_per_page = 25
    actions = ["send", "activate", "cancel"]

    def has_add_permission(self, request):
        return False  # a request is recorded on the page, with its checks

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and rules.can_manage_subscriptions(
            request.user, obj
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Marquer transmises à l'opérateur"), permissions=["change"])
    def send(self, request, queryset):
        return self.with_form(request, queryset, SendForm, _("Marquer transmises à l'opérateur"))

    @admin.action(description=_("Activer (date et modem)"), permissions=["change"])
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request,
                gettext("Activez un abonnement à la fois : chacun a son modem."),
                messages.ERROR,
            )
            return None
        return self.with_form(request, queryset, ActivateForm, _("Activer (date et modem)"))

    @admin.action(description=_("Résilier (date et motif)"), permissions=["change"])
    def cancel(self, request, queryset):
        return self.with_form(request, queryset, CancelForm, _("Résilier (date et motif)"))

    def with_form(self, request, queryset, form_class, title):
        """Ask for the transition's data on an intermediate page, then apply it to each."""
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = 0
            for sub in queryset.select_related("dwelling"):
                try:
                    form.apply(sub, request.user)
                    done += 1
                except services.SubscriptionError as error:
                    self.message_user(request, f"{sub.dwelling} : {error}", messages.ERROR)
            if done:
                self.message_user(
                    request,
                    ngettext("%(n)d abonnement mis à jour.", "%(n)d abonnements mis à jour.", done)
                    % {"n": done},
                    messages.SUCCESS,
                )
            return None
        return TemplateResponse(
            request,
            "admin/subscriptions/subscription/action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "queryset": queryset.select_related("dwelling", "household"),
                "form": form,
                "action": request.POST.get("action"),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )


class LandlordMonthInline(ReadOnlyTabularInline):
    model = LandlordMonth
    fields = ["landlord", "status", "exported_at", "exported_by"]
    readonly_fields = fields


@admin.register(ChargeMonth)
class ChargeMonthAdmin(ReadOnlyAdmin):
    list_display = ["month"]
    inlines = [LandlordMonthInline]


@admin.register(LandlordMonth)
class LandlordMonthAdmin(ReadOnlyAdmin):
    list_display = ["charge_month", "landlord", "status", "exported_at", "exported_by"]
    list_filter = ["status", "landlord"]
    list_select_related = ["charge_month", "landlord", "exported_by"]
    search_fields = ["landlord__name"]


@admin.register(ChargeRun)
class ChargeRunAdmin(ReadOnlyAdmin):
    list_display = [
        "charge_month",
        "run_at",
        "run_by",
        "landlord",
        "tariff",
        "lines_added",
        "amount_added",
        "duration_ms",
    ]
    list_filter = ["charge_month", "landlord"]
    list_select_related = ["charge_month", "run_by", "landlord", "tariff"]
    search_fields = ["run_by__username"]


@admin.register(Charge)
class ChargeAdmin(ReadOnlyAdmin):
    """Millions of lines: no full count, an index-ordered list, exact-match search."""

    list_display = ["month", "dwelling", "neighbourhood", "payer", "amount", "household"]
    list_filter = ["payer", "month", "neighbourhood"]
    list_select_related = ["dwelling", "neighbourhood", "household"]
    search_fields = ["=dwelling__reference"]
    # The unique (month, dwelling) index gives this order without sorting the table.
    ordering = ["-month", "-dwelling_id"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnlyAdmin):
    list_display = [
        "charge_month",
        "dwelling",
        "neighbourhood",
        "kind",
        "amount",
        "payer",
        "created_by",
        "created_at",
    ]
    list_filter = ["charge_month", "kind", "payer", "neighbourhood"]
    list_select_related = ["charge_month", "dwelling", "neighbourhood", "created_by"]
    search_fields = ["=dwelling__reference", "reason"]


@admin.register(ChargeExport)
class ChargeExportAdmin(ReadOnlyAdmin):
    """The files as sent to the landlords: looked at, never changed (downloaded from the month)."""

    list_display = ["landlord_month", "number", "kind", "rows", "amount", "sha256", "created_at"]
    list_filter = ["kind", "landlord_month__landlord"]
    list_select_related = ["landlord_month__charge_month", "landlord_month__landlord"]
    exclude = ["content"]


@admin.register(RequestBatch)
class RequestBatchAdmin(ReadOnlyAdmin):
    """The batches of requests as sent to the operator (downloaded from the subscriptions)."""

    list_display = ["pk", "organisation", "rows", "sha256", "created_at", "created_by"]
    list_select_related = ["organisation", "created_by"]
    exclude = ["content"]
