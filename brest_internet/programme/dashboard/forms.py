"""The dashboard's filters and the review form."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from brest_internet.common import clock
from brest_internet.common.widgets import QuickModelChoiceField
from brest_internet.programme.models import Review
from neighborhoods.models import Neighbourhood


class DashboardFilter(forms.Form):
    """Year and neighbourhood (GET parameters `annee` and `quartier`)."""

    annee = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None)
    quartier = QuickModelChoiceField(  # 865 neighbourhoods at national size
        label=_("Quartier"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label=_("Tous les quartiers"),
    )

    def __init__(self, *args, neighbourhoods, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [("", _("Toutes les années"))] + [
            (year, str(year)) for year in sorted(years, reverse=True)
        ]
        self.fields["quartier"].queryset = neighbourhoods.order_by("name").only("name", "slug")
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select"
            if self.is_bound and name in self.errors:
                field.widget.attrs.update(
                    {"class": "form-select is-invalid", "aria-describedby": f"id_{name}-erreur"}
                )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReviewForm(forms.ModelForm):
    """The period and the coordinator's texts; the figures are computed, never typed."""

    class Meta:
        model = Review
        fields = ["period_start", "period_end", "findings", "next_steps"]
        # The period is chosen with `PeriodForm` above the figures, and carried here hidden.
        widgets = {
            "period_start": forms.HiddenInput(),
            "period_end": forms.HiddenInput(),
            "findings": forms.Textarea(attrs={"rows": 8}),
            "next_steps": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, neighbourhood: Neighbourhood, **kwargs):
        super().__init__(*args, **kwargs)
        self.neighbourhood = neighbourhood

    def clean_period_end(self):
        end = self.cleaned_data["period_end"]
        if end > clock.today():
            raise forms.ValidationError(
                _("Un bilan porte sur une période écoulée : la fin ne peut être dans le futur.")
            )
        return end

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end:
            if end < start:
                self.add_error("period_end", _("La fin de la période ne peut précéder son début."))
            elif (
                Review.objects.filter(
                    neighbourhood=self.neighbourhood, period_start=start, period_end=end
                )
                .exclude(pk=self.instance.pk)
                .exists()
            ):
                raise forms.ValidationError(
                    _("Ce quartier a déjà un bilan pour cette période : modifiez-le plutôt.")
                )
        return cleaned


class PeriodForm(forms.Form):
    """The period whose figures a review shows (GET parameters `debut` and `fin`)."""

    debut = forms.DateField(label=_("Du"), widget=DateInput())
    fin = forms.DateField(label=_("Au (inclus)"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control"
            if self.is_bound and name in self.errors:
                field.widget.attrs.update(
                    {
                        "class": "form-control is-invalid",
                        "aria-invalid": "true",
                        "aria-describedby": f"id_{name}-erreur",
                    }
                )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("debut"), cleaned.get("fin")
        if start and end and end < start:
            self.add_error("fin", _("La fin de la période ne peut précéder son début."))
        return cleaned


def default_period(
    nbh: Neighbourhood, last_end: datetime.date | None, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The period a new review covers: since the last review, else since the launch."""
    if last_end and last_end < today:
        start = last_end + datetime.timedelta(days=1)
    elif nbh.launched_on and nbh.launched_on <= today:
        start = nbh.launched_on
    else:
        start = today.replace(month=1, day=1)
    return start, today
