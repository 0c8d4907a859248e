"""Forms of the neighborhoods app: meetings, pipeline actions, register files, list filters."""

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from .models import Meeting, Neighbourhood, Organisation


class NeighbourhoodFilter(django_filters.FilterSet):
    """The coordinators' list: by stage and by year (planned or launched)."""

    stage = django_filters.ChoiceFilter(
        label=_("Étape"),
        choices=Neighbourhood.Stage.choices,
        empty_label=_("Toutes"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    year = django_filters.NumberFilter(label=_("Année"), method="filter_year", min_value=2000)

    class Meta:
        model = Neighbourhood
        fields = ["stage", "year"]

    def filter_year(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(planned_year=value) | Q(launched_on__year=value))


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


class ReasonForm(forms.Form):
    """Stop or reopen: a reason is required, and the date of the step."""

    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expected_stage = forms.CharField(widget=forms.HiddenInput)


class StopForm(ReasonForm):
    to_stage = forms.ChoiceField(label=_("Arrêt"), choices=())

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = choices
        self.order_fields(["to_stage", "reason", "on"])


class AdvanceForm(forms.Form):
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
