"""The one-line contact and consent form (household page, launch half-day desk)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ConsentEvent, Language


class ConsentLineForm(forms.Form):
    email = forms.CharField(label=_("Courriel"), max_length=254, required=False)
    email_consent = forms.BooleanField(label=_("accepte les avis par courriel"), required=False)
    phone = forms.CharField(label=_("Portable"), max_length=30, required=False)
    sms_consent = forms.BooleanField(label=_("accepte les avis par SMS"), required=False)
    language = forms.ChoiceField(
        label=_("Langue"),
        choices=Language.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    # Staff record consents at the desk or at a half-day; "by the household itself" is a
    # STOP reply or a provider's opt-out, never a staff form.
    source = forms.ChoiceField(
        choices=[
            (ConsentEvent.Source.DESK, ConsentEvent.Source.DESK.label),
            (ConsentEvent.Source.HALF_DAY, ConsentEvent.Source.HALF_DAY.label),
        ]
    )
    next = forms.CharField(max_length=500, required=False)
