"""The partners' tokens in the admin (the coordination only, as the whole admin).

A token is made here (its secret shown once, on the page that follows) and revoked by an
action; it is never edited nor deleted. The call log is read-only.
"""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from brest_internet.common.admin import ReadOnlyAdmin
from neighborhoods.models import Organisation

from . import services
from .models import PARTNER_KINDS, ApiCall, ApiToken


class TokenCreateForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(
        label=_("organisation"),
        queryset=Organisation.objects.filter(kind__in=PARTNER_KINDS),
    )

    class Meta:
        model = ApiToken
        fields = ["organisation"]

    def clean(self):
        data = super().clean()
        organisation = data.get("organisation")
        if organisation is not None:
            # Made here, while the form validates: a refusal is shown as a form error.
            try:
                self.created = services.token_create(organisation=organisation, by=self.user)
            except services.TokenError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data

    def _post_clean(self):
        # The service checked the rules (one token in force per organisation) and wrote the
        # row: the model's own validation would now see that row and refuse it.
        pass


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    list_filter = ["organisation__kind", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["organisation", "created_by", "revoked_by"]
    readonly_fields = [
        "organisation",
        "account",
        "prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    actions = ["revoke"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            form = TokenCreateForm
            form.user = request.user
            return form
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj else ["organisation"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_form(self, request, form, change):
        """The token made by the form's validation (`services.token_create`)."""
        request.new_api_token = form.created.secret
        return form.created.token

    def save_model(self, request, obj, form, change):
        pass  # already written by the service

    def save_related(self, request, form, formsets, change):
        pass

    def response_add(self, request, obj, post_url_continue=None):
        """The secret, shown on this page once: it is kept nowhere, not even in a message."""
        return TemplateResponse(
            request,
            "api/admin/token_created.html",
            {
                **self.admin_site.each_context(request),
                "token": obj,
                "secret": request.new_api_token,
                "changelist_url": reverse("admin:api_apitoken_changelist"),
                "opts": self.opts,
                "title": gettext("Jeton créé"),
            },
        )

    @admin.action(description=_("Révoquer les jetons sélectionnés"))
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.token_revoke(token=token, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(n)d jeton révoqué.", "%(n)d jetons révoqués.", count) % {"n": count},
            messages.SUCCESS,
        )


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnlyAdmin):
    """Who called what, when, with what outcome: read here, never written."""

    list_display = ["at", "organisation", "token", "method", "route", "status", "duration_ms"]
    list_filter = ["organisation", "status", "method"]
    list_select_related = ["organisation", "token__organisation"]
