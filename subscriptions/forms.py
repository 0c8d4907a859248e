"""Forms of the subscriptions app. They only read and validate; services write (a transition's
form hands its cleaned data to its service in `apply`, for the pages and the admin alike)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from brest_internet.common import clock
from brest_internet.common.widgets import QuickModelChoiceField
from neighborhoods.models import Dwelling, Meeting, Neighbourhood, Occupancy

from . import services
from .models import Adjustment, Payer, Subscription


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _helper(label, form_tag=True):
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.add_input(Submit("submit", label))
    return helper


class DwellingByReference(forms.CharField):
    """A dwelling typed by its landlord reference, looked up in the user's scope."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Référence du logement (bailleur)"))
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)


def _dwelling_in_scope(reference, user):
    reference = (reference or "").strip()
    dwelling = (
        Dwelling.objects.filter(
            reference__iexact=reference,
            neighbourhood__in=Neighbourhood.objects.visible_to(user),
        )
        .select_related("neighbourhood")
        .first()
    )
    if dwelling is None:
        raise forms.ValidationError(
            _("Aucun logement de référence « %(ref)s » dans vos quartiers."),
            params={"ref": reference},
        )
    return dwelling


class SubscriptionRequestForm(forms.Form):
    dwelling = DwellingByReference()
    channel = forms.ChoiceField(label=_("Demande faite"), choices=Subscription.Channel.choices)
    half_day = forms.ModelChoiceField(
        label=_("Demi-journée de lancement"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("Seulement pour une demande faite lors d'une demi-journée de lancement."),
    )
    requested_on = forms.DateField(
        label=_("Date de la demande"),
        widget=DateInput(),
        required=False,
        help_text=_("Par défaut : aujourd'hui, ou la date de la demi-journée."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["half_day"].queryset = (
            Meeting.objects.filter(
                kind=Meeting.Kind.LAUNCH,
                neighbourhood__in=Neighbourhood.objects.visible_to(user),
            )
            .select_related("neighbourhood")
            .order_by("-held_on")
        )
        self.helper = _helper(_("Enregistrer la demande"))

    def clean_dwelling(self):
        return _dwelling_in_scope(self.cleaned_data["dwelling"], self.user)

    def clean(self):
        cleaned = super().clean()
        dwelling = cleaned.get("dwelling")
        if dwelling is not None:
            on = cleaned.get("requested_on") or clock.today()
            occupancy = (
                Occupancy.objects.filter(dwelling=dwelling, moved_in__lte=on)
                .exclude(moved_out__lte=on)
                .select_related("household")
                .order_by("-moved_in")
                .first()
            )
            if occupancy is None:
                self.add_error(
                    "dwelling", _("Aucun foyer n'occupe ce logement à la date de la demande.")
                )
            else:
                cleaned["household"] = occupancy.household
        return cleaned


class SendForm(forms.Form):
    sent_on = forms.DateField(label=_("Transmis le"), widget=DateInput(), initial=clock.today)

    def apply(self, subscription, by):
        return services.subscription_send(
            subscription=subscription, by=by, on=self.cleaned_data["sent_on"]
        )


class ActivateForm(forms.Form):
    activated_on = forms.DateField(label=_("Activé le"), widget=DateInput())
    modem_serial = forms.CharField(label=_("Numéro de série du modem"), max_length=60)

    def apply(self, subscription, by):
        return services.subscription_activate(
            subscription=subscription,
            by=by,
            activated_on=self.cleaned_data["activated_on"],
            modem_serial=self.cleaned_data["modem_serial"],
        )


class CancelForm(forms.Form):
    cancelled_on = forms.DateField(label=_("Résilié le"), widget=DateInput())
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 2}))

    def apply(self, subscription, by):
        return services.subscription_cancel(
            subscription=subscription,
            by=by,
            cancelled_on=self.cleaned_data["cancelled_on"],
            reason=self.cleaned_data["reason"],
        )


class SubscriptionFilterForm(forms.Form):
    neighbourhood = QuickModelChoiceField(
        label=_("Quartier"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("Tous"),
    )
    status = forms.ChoiceField(
        label=_("Statut"), choices=[("", _("Tous")), *Subscription.Status.choices], required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.visible_to(user).order_by(
            "name"
        )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class MonthField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mois (AAAA-MM)"))
        kwargs.setdefault("max_length", 7)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(
            attrs={"inputmode": "numeric", "placeholder": "2014-03", "pattern": r"\d{4}-\d{2}"}
        )


class GenerateForm(forms.Form):
    month = MonthField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Générer les charges du mois"))


class AdjustmentForm(forms.Form):
    dwelling = DwellingByReference()
    kind = forms.ChoiceField(label=_("Nature"), choices=Adjustment.Kind.choices)
    amount = forms.DecimalField(
        label=_("Montant (€)"), min_value=0.01, max_digits=7, decimal_places=2, localize=True
    )
    payer = forms.ChoiceField(
        label=_("À la charge de"),
        choices=[("", _("Comme la ligne du mois")), *Payer.choices],
        required=False,
    )
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = _helper(_("Enregistrer l'ajustement"))

    def clean_dwelling(self):
        return _dwelling_in_scope(self.cleaned_data["dwelling"], self.user)


class TariffScheduleForm(forms.Form):
    """A new price per dwelling and month, from the first day of a month to come."""

    amount = forms.DecimalField(
        label=_("Nouveau montant par logement et par mois (€)"),
        min_value=0,
        max_digits=7,
        decimal_places=2,
        localize=True,  # "1,50" as a French person types it
    )
    starts_on = forms.DateField(
        label=_("En vigueur à partir du"),
        widget=DateInput(),
        help_text=_("Le premier jour d'un mois à venir : le tarif actuel s'arrête la veille."),
    )
