"""Forms of the neighborhoods app: meetings, pipeline actions, register files and moves, list
filters."""

import re

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from brest_internet.common import clock
from brest_internet.common.widgets import QuickSelect

from .models import (
    Dwelling,
    Household,
    Meeting,
    Neighbourhood,
    Occupancy,
    Organisation,
    Sector,
)


class NeighbourhoodFilter(django_filters.FilterSet):
    """The coordinators' list: by stage and by year (planned or launched)."""

    stage = django_filters.ChoiceFilter(
        label=_("Étape"),
        choices=Neighbourhood.Stage.choices,
        empty_label=_("Toutes"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    year = django_filters.NumberFilter(
        label=_("Année"), method="filter_year", min_value=2000, max_value=2100
    )

    class Meta:
        model = Neighbourhood
        fields = ["stage", "year"]

    def filter_year(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(planned_year=value) | Q(launched_on__year=value))


class SectorForm(forms.ModelForm):
    """A new sector of a neighbourhood (services.sector_create saves it)."""

    class Meta:
        model = Sector
        fields = ["name", "expected_dwellings", "planned_year"]

    def validate_unique(self):
        """The service checks the name within the neighbourhood (the form has none)."""


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "kind",
            "held_on",
            "starts_at",
            "ends_at",
            "place",
            "organisations",
            "decision",
            "minutes",
        ]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "organisations": forms.CheckboxSelectMultiple,
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "decision": _("Seulement pour une rencontre des partenaires."),
        }

    def __init__(self, *args, neighbourhood, **kwargs):
        super().__init__(*args, **kwargs)
        self.neighbourhood = neighbourhood
        self.instance.neighbourhood = neighbourhood
        self.fields["organisations"].queryset = Organisation.objects.order_by("kind", "name")
        if self.instance.pk is not None:
            # A recorded meeting's date is corrected on its own page, with a reason kept in the
            # history (pipeline.meeting_date_correct), never overwritten here.
            held_on = self.fields["held_on"]
            held_on.disabled = True
            held_on.help_text = _(
                "Une date enregistrée se corrige avec « Corriger la date », motif à l'appui."
            )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Enregistrer")))

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind != Meeting.Kind.PARTNERS and data.get("decision"):
            self.add_error("decision", _("Seule une rencontre des partenaires porte une décision."))
        if kind == Meeting.Kind.PARTNERS and not data.get("decision"):
            data["decision"] = Meeting.Decision.PENDING
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("La fin doit suivre le début."))
        if kind == Meeting.Kind.REVIEW and not self.neighbourhood.launched_on:
            self.add_error("kind", _("Un bilan suppose un service lancé."))
        return data


class DateCorrectionForm(forms.Form):
    """The corrected date of a stage or a meeting, and why (kept in the history)."""

    on = forms.DateField(
        label=_("Date corrigée"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Motif de la correction"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Gardé dans l'historique du quartier, avec l'ancienne date."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Corriger la date")))

    def clean_on(self):
        on = self.cleaned_data["on"]
        if not 2000 <= on.year <= 2100:
            raise forms.ValidationError(_("Indiquez une date entre 2000 et 2100."))
        return on

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError(_("Une correction de date doit être motivée."))
        return reason


class _OwnIdsForm(forms.Form):
    """A form that shares its page with others of the same fields (advance, stop, reopen on
    the neighbourhood's page): its ids carry its own name, so that none is repeated."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class ReasonForm(_OwnIdsForm):
    """Stop or reopen: a reason is required, and the date of the step."""

    id_prefix = "reopen"
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expected_stage = forms.CharField(widget=forms.HiddenInput)


class StopForm(ReasonForm):
    id_prefix = "stop"
    to_stage = forms.ChoiceField(label=_("Arrêt"), choices=())

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = choices
        self.order_fields(["to_stage", "reason", "on"])


class AdvanceForm(_OwnIdsForm):
    id_prefix = "advance"
    to_stage = forms.CharField(widget=forms.HiddenInput)
    expected_stage = forms.CharField(widget=forms.HiddenInput)
    on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), required=False)


class RegisterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier du registre (CSV ou XLSX)"),
        help_text=_(
            "Colonnes : Référence, Quartier, Adresse, Bâtiment, Entrée, Statut (occupé, vacant "
            "ou hors service), Secteur facultatif. Séparateur point-virgule, UTF-8 ou Windows-1252."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.REGISTER_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Le fichier dépasse la taille maximale de %(max)s Mo.")
                % {"max": f"{limit / 1024 / 1024:.0f}"}
            )
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(
                _("Type de fichier non accepté : envoyez un fichier CSV (.csv) ou Excel (.xlsx).")
            )
        return upload


def _pk_in_range(field, value):
    """Refuse an id no database key can hold: SQLite raises OverflowError, not a form error."""
    try:
        in_range = 0 < int(value) < 2**63
    except (TypeError, ValueError):
        return
    if not in_range:
        raise forms.ValidationError(
            field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class BoundedModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values:
            _pk_in_range(self, value)
        return super().to_python(value)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            _pk_in_range(self, pk)
        return super()._check_values(value)


class NeighbourhoodCreateForm(forms.ModelForm):
    """A new candidate neighbourhood, as chosen by the landlord, the metropolis and the city."""

    class Meta:
        model = Neighbourhood
        fields = [
            "name",
            "landlord",
            "centre",
            "planned_year",
            "expected_dwellings",
            "associations",
            "partners",
        ]
        widgets = {
            "associations": forms.CheckboxSelectMultiple,
            "partners": forms.CheckboxSelectMultiple,
        }
        field_classes = {
            "landlord": BoundedModelChoiceField,
            "centre": BoundedModelChoiceField,
            "associations": BoundedModelMultipleChoiceField,
            "partners": BoundedModelMultipleChoiceField,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_year"].widget.attrs.update(min=2000, max=2100)
        # The largest neighbourhoods of the programme have a few thousand dwellings.
        dwellings = self.fields["expected_dwellings"]
        dwellings.max_value = 100_000
        dwellings.widget.attrs["max"] = 100_000
        dwellings.validators.append(MaxValueValidator(100_000))
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Créer le quartier candidat")))

    def clean_name(self):
        from django.utils.text import slugify

        name = self.cleaned_data["name"].strip()
        if not slugify(name):
            raise forms.ValidationError(
                _("Le nom doit contenir au moins une lettre ou un chiffre.")
            )
        return name

    def clean_planned_year(self):
        year = self.cleaned_data.get("planned_year")
        if year is not None and not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Indiquez une année entre 2000 et 2100."))
        return year

    def unique_slug(self):
        """A slug from the name, made unique with a number if another neighbourhood has it."""
        from django.utils.text import slugify

        base = slugify(self.cleaned_data["name"])[:110]
        taken = set(
            Neighbourhood.objects.filter(slug__startswith=base).values_list("slug", flat=True)
        )
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        return slug


# The register, day to day ----------------------------------------------------------------


class DwellingFilter(django_filters.FilterSet):
    """A neighbourhood's register: by status, building, reference or household in place."""

    status = django_filters.ChoiceFilter(
        label=_("Statut"),
        choices=Dwelling.Status.choices,
        empty_label=_("Tous"),
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    building = django_filters.ChoiceFilter(
        label=_("Bâtiment"),
        choices=(),
        empty_label=_("Tous"),
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    reference = django_filters.CharFilter(
        label=_("Référence"),
        lookup_expr="icontains",
        max_length=40,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    household = django_filters.CharFilter(
        label=_("Foyer en place"),
        method="filter_household",
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    class Meta:
        model = Dwelling
        fields = ["status", "building", "reference", "household"]

    def __init__(self, *args, buildings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["building"].extra["choices"] = [(b, b) for b in buildings]

    def filter_household(self, queryset, name, value):
        # EXISTS rather than a join: a dwelling is listed once whatever its history.
        living = Occupancy.objects.current().filter(
            dwelling=OuterRef("pk"), household__name__icontains=value
        )
        return queryset.filter(Exists(living))


class PastDateField(forms.DateField):
    """A day that has come: the register says what a dwelling is today, not what it will be."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def validate(self, value):
        super().validate(value)
        if value and value > clock.today():
            raise forms.ValidationError(
                _("Cette date est dans le futur : enregistrez le changement le jour venu.")
            )
        if value and value.year < 1900:
            raise forms.ValidationError(_("Indiquez une date après 1900."))


PHONE = re.compile(r"^\+?[0-9][0-9 .\-()]{5,28}$")


class MoveInForm(forms.Form):
    """A new household: its name and, at most, one way to reach it (GDPR: nothing more)."""

    name = forms.CharField(
        label=_("Nom du foyer"),
        max_length=Household._meta.get_field("name").max_length,
        help_text=_("Par exemple « Famille Le Goff » ou le nom du ou de la titulaire du bail."),
    )
    phone = forms.CharField(
        label=_("Téléphone (facultatif)"),
        max_length=Household._meta.get_field("phone").max_length,
        required=False,
    )
    email = forms.EmailField(
        label=_("Courriel (facultatif)"),
        max_length=Household._meta.get_field("email").max_length,
        required=False,
    )
    moved_in = PastDateField(label=_("Entrée dans les lieux le"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update(autocomplete="off", inputmode="tel")
        self.fields["email"].widget.attrs.update(autocomplete="off")
        self.fields["name"].widget.attrs.update(autocomplete="off")
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Indiquez le nom du foyer."))
        return name

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and (not PHONE.match(phone) or sum(c.isdigit() for c in phone) < 6):
            raise forms.ValidationError(
                _("Numéro de téléphone non reconnu : chiffres, espaces et « + » seulement.")
            )
        return phone

    def clean(self):
        data = super().clean()
        if data.get("phone") and data.get("email"):
            raise forms.ValidationError(
                _(
                    "Un seul moyen de contact : le téléphone ou le courriel (le programme ne "
                    "garde que le nécessaire)."
                )
            )
        return data


class MoveOutForm(forms.Form):
    occupancy = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    moved_out = PastDateField(label=_("Sortie le"))
    vacate = forms.BooleanField(
        label=_("Le logement devient vacant"),
        required=False,
        initial=True,
        help_text=_("Décochez si le logement reste occupé (un autre foyer s'y installe)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class DwellingStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nouveau statut"), choices=Dwelling.Status.choices)
    reason = forms.CharField(
        label=_("Motif (facultatif)"),
        required=False,
        max_length=70,
        help_text=_("Par exemple « travaux de réhabilitation »."),
    )
    expected_status = forms.ChoiceField(choices=Dwelling.Status.choices, widget=forms.HiddenInput)

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        if current is not None:
            self.fields["status"].choices = [
                choice for choice in Dwelling.Status.choices if choice[0] != current
            ]
        self.helper = FormHelper()
        self.helper.form_tag = False


class OccupancyCorrectForm(forms.Form):
    moved_in = PastDateField(label=_("Entrée dans les lieux le"))
    moved_out = PastDateField(
        label=_("Sortie le"),
        required=False,
        help_text=_(
            "Vide : le foyer est toujours en place. Une occupation saisie par erreur s'annule "
            "avec la même date d'entrée et de sortie."
        ),
    )
    reason = forms.CharField(
        label=_("Motif de la correction"),
        max_length=80,
        help_text=_("Gardé dans l'historique de l'occupation."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        moved_in, moved_out = data.get("moved_in"), data.get("moved_out")
        if moved_in and moved_out and moved_out < moved_in:
            self.add_error("moved_out", _("La sortie ne peut précéder l'entrée dans les lieux."))
        return data
