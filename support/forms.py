"""Forms of the support app. Choices are always limited to the user's scope."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from brest_internet.common import clock
from neighborhoods.models import Dwelling, Organisation

from .households import with_dwelling_reference
from .models import (
    MAX_SESSION_PLACES,
    AdviceRequest,
    CentreCalendar,
    ComputerModel,
    HomeHelpRequest,
    WorkshopSession,
    WorkshopTopic,
)
from .rules import neighbourhoods_for


class HouseholdChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        ref = getattr(obj, "dwelling_reference", None)
        return f"{obj.name} – {ref}" if ref else obj.name


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class _SessionTimesForm(forms.ModelForm):
    """What creating and editing a session share: the date-time inputs and their order."""

    class Meta:
        model = WorkshopSession
        fields = ["starts_at", "ends_at", "place", "facilitator", "capacity"]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        # The model's bounds, on the form too: the edit form leaves model validation to the
        # service, which would otherwise save 99 999 999 999 places on SQLite.
        capacity = self.fields["capacity"]
        capacity.validators = [
            *capacity.validators,
            *WorkshopSession._meta.get_field("capacity").validators,
        ]
        capacity.widget.attrs.update(min=1, max=MAX_SESSION_PLACES)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("La fin de la séance doit suivre son début."))
        capacity = data.get("capacity")
        if capacity is not None and capacity < 1:
            self.add_error("capacity", _("Une séance a au moins une place."))
        return data


class SessionForm(_SessionTimesForm):
    """A new workshop session; its centre is the one that serves the chosen neighbourhood."""

    class Meta(_SessionTimesForm.Meta):
        fields = ["topic", "neighbourhood", *_SessionTimesForm.Meta.fields]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = WorkshopTopic.objects.filter(active=True)
        self.fields["neighbourhood"].queryset = neighbourhoods_for(user).filter(
            centre__isnull=False
        )

    def clean(self):
        data = super().clean()
        starts = data.get("starts_at")
        if starts and starts <= clock.now():
            self.add_error("starts_at", _("Une nouvelle séance se programme dans le futur."))
        return data


class SessionEditForm(_SessionTimesForm):
    """The date, place, facilitator and places of a programmed session.

    It never saves by itself: `support.services.session_update` checks the rules under the
    session's lock (places taken, attendance taken) and keeps the history. When the attendance
    has been taken the dates are shown but locked, with the reason next to them.
    """

    def __init__(self, *args, dates_locked=False, registered=0, waiting=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capacity"].help_text = _(
            "Inscrits : %(r)d, en liste d'attente : %(w)d. Pas moins de places que d'inscrits ; "
            "les places ajoutées vont aux premiers de la liste d'attente."
        ) % {"r": registered, "w": waiting}
        if dates_locked:
            for name in ("starts_at", "ends_at"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "La présence est notée : la séance a eu lieu à cette date."
                )

    def _post_clean(self):
        # No model validation on the instance: the service validates, then saves.
        pass

    def changes(self):
        """The values posted, for `session_update`: locked fields left out, and a date-time
        shown to the minute left as it was when the minute shown comes back unchanged."""
        changes = {}
        for name in self.Meta.fields:
            if self.fields[name].disabled:
                continue
            value, current = self.cleaned_data[name], getattr(self.instance, name)
            is_time = name in ("starts_at", "ends_at") and current is not None
            if is_time and value == current.replace(second=0, microsecond=0):
                value = current
            changes[name] = value
        return changes


class SessionCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        help_text=_("Il reste affiché sur la séance annulée."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )
    # The number of sign-ups shown on the confirmation step, checked again when cancelling.
    expected = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class SignUpForm(forms.Form):
    household = HouseholdChoiceField(label=_("Foyer"), queryset=None)

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = with_dwelling_reference(households).order_by("name")


class HomeHelpForm(forms.ModelForm):
    class Meta:
        model = HomeHelpRequest
        fields = ["kind", "details", "requested_on"]
        widgets = {"requested_on": DateInput(), "details": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's default is today (a callable): Django would add a hidden copy of the
        # initial value, which carries the field's aria-* attributes (invalid HTML) for nothing.
        self.fields["requested_on"].show_hidden_initial = False


class ScheduleForm(forms.Form):
    on = forms.DateField(label=_("Date de la visite"), widget=DateInput())


class DoneForm(forms.Form):
    on = forms.DateField(label=_("Visite faite le"), widget=DateInput())
    outcome = forms.CharField(
        label=_("Résultat"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class AdviceForm(forms.ModelForm):
    class Meta:
        model = AdviceRequest
        fields = ["association", "topic", "question", "requested_on"]
        widgets = {"requested_on": DateInput(), "question": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, neighbourhood, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requested_on"].show_hidden_initial = False  # as in HomeHelpForm
        # The associations that represent the tenants of the household's neighbourhood.
        self.fields["association"].queryset = neighbourhood.associations.filter(
            kind=Organisation.Kind.TENANTS_ASSOCIATION
        )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Réponse"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )


class OrderForm(forms.Form):
    computer = forms.ModelChoiceField(
        label=_("Modèle"), queryset=ComputerModel.objects.filter(active=True), empty_label=None
    )
    ordered_on = forms.DateField(label=_("Commandé le"), widget=DateInput())
    extra_reason = forms.CharField(
        label=_("Motif d'un ordinateur de plus (facultatif)"),
        required=False,
        max_length=300,
        help_text=_(
            "Seulement si le foyer a déjà un ordinateur du programme : par exemple « ordinateur "
            "volé, plainte déposée »."
        ),
    )


class HalfDayForm(forms.Form):
    """Everything a household asks for at a launch half-day's table, in one submit."""

    household = HouseholdChoiceField(
        label=_("Foyer trouvé"),
        queryset=None,
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
    )
    new_name = forms.CharField(label=_("Nom du nouveau foyer"), max_length=150, required=False)
    new_phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    dwelling_reference = forms.CharField(
        label=_("Référence du logement"), max_length=40, required=False
    )
    connection = forms.BooleanField(label=_("Demande de connexion à 1 €"), required=False)
    sessions = forms.ModelMultipleChoiceField(
        label=_("Inscriptions aux ateliers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    computer = forms.ModelChoiceField(
        label=_("Ordinateur"),
        queryset=ComputerModel.objects.filter(active=True),
        required=False,
        widget=forms.RadioSelect,
        empty_label=_("Pas d'ordinateur"),
        blank=True,  # keeps the "no computer" choice among the radio buttons
    )
    notes = forms.CharField(label=_("Remarque"), max_length=300, required=False)

    def __init__(self, *args, half_day, households, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.half_day = half_day
        self.fields["household"].queryset = households
        self.fields["sessions"].queryset = sessions
        self.fields["sessions"].label_from_instance = self.session_label

    @staticmethod
    def session_label(session):
        when = timezone.localtime(session.starts_at)
        free = session.capacity - getattr(session, "registered_count", 0)
        if free > 0:
            seats = ngettext("%(n)d place", "%(n)d places", free) % {"n": free}
        else:
            seats = _("complet : liste d'attente")
        return f"{session.topic} – {when:%d/%m %H:%M} ({seats})"

    def clean(self):
        data = super().clean()
        household = data.get("household")
        name = (data.get("new_name") or "").strip()
        reference = (data.get("dwelling_reference") or "").strip()
        data["dwelling"] = None
        if household is None:
            if not name:
                raise forms.ValidationError(
                    _("Choisissez un foyer trouvé, ou donnez le nom d'un nouveau foyer.")
                )
            if not reference:
                self.add_error(
                    "dwelling_reference", _("Un nouveau foyer a besoin de son logement.")
                )
                return data
            dwelling = Dwelling.objects.filter(
                neighbourhood=self.half_day.neighbourhood, reference__iexact=reference
            ).first()
            if dwelling is None:
                self.add_error(
                    "dwelling_reference",
                    _("Aucun logement %(ref)s dans le quartier %(nbh)s.")
                    % {"ref": reference, "nbh": self.half_day.neighbourhood},
                )
                return data
            data["dwelling"] = dwelling
        elif name:
            raise forms.ValidationError(
                _("Choisissez un foyer trouvé ou un nouveau foyer, pas les deux.")
            )
        asked = data.get("connection") or data.get("sessions") or data.get("computer")
        if not asked and not (data.get("notes") or "").strip():
            raise forms.ValidationError(
                _("Rien à enregistrer : cochez une demande ou écrivez une remarque.")
            )
        return data


class HalfDayCreateForm(forms.Form):
    """A new launch half-day, in a neighbourhood whose support the user runs."""

    neighbourhood = forms.ModelChoiceField(
        label=_("Quartier"),
        queryset=None,
        error_messages={
            "invalid_choice": _(
                "Votre centre ne sert pas ce quartier : choisissez un quartier de votre centre."
            )
        },
    )
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    starts_at = forms.TimeField(
        label=_("Heure de début"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends_at = forms.TimeField(
        label=_("Heure de fin"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=_("Lieu"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = neighbourhoods_for(user).order_by("name")


class ContactForm(forms.Form):
    contact = forms.CharField(
        label=_("Contact pour les foyers"),
        max_length=CentreCalendar._meta.get_field("contact").max_length,
        required=False,
        help_text=CentreCalendar._meta.get_field("contact").help_text,
    )
