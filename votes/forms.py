"""Forms of the votes app; they validate input, the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from neighborhoods.models import Neighbourhood

from . import rules
from .models import Channel, Choice, PaperCount, Vote
from .services import Figures


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class VoteForm(forms.ModelForm):
    class Meta:
        model = Vote
        fields = [
            "neighbourhood",
            "method",
            "roll_date",
            "opens_on",
            "closes_on",
            "minimum_turnout",
            "question",
        ]
        widgets = {
            "roll_date": DateInput(),
            "opens_on": DateInput(),
            "closes_on": DateInput(),
            "question": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = (
            rules.neighbourhoods_organised_by(user)
            .filter(stage__in=[Neighbourhood.Stage.INFORMATION, Neighbourhood.Stage.VOTE])
            .order_by("name")
        )
        self.fields["neighbourhood"].help_text = _(
            "Quartiers à l'étape de l'information des habitants ou du vote."
        )

    def clean_neighbourhood(self):
        # The unique constraint involves the status, not a field of this form: Django would not
        # check it here, so say it in plain words before the database refuses.
        nbh = self.cleaned_data["neighbourhood"]
        if nbh.votes.in_progress().exists():
            constraint = next(
                c for c in Vote._meta.constraints if c.name == "vote_one_open_per_neighbourhood"
            )
            raise forms.ValidationError(constraint.violation_error_message, code="open_vote")
        return nbh


class VoteEditForm(forms.ModelForm):
    """The draft's dates, method, minimum turnout and question (not its neighbourhood)."""

    class Meta(VoteForm.Meta):
        fields = list(Vote.DRAFT_FIELDS)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        max_length=2000,
        help_text=_(
            "Obligatoire. Il reste affiché avec le vote, avec la date et le nom de la personne "
            "qui l'a annulé."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Indiquez le motif de l'annulation.")},
    )


STATIONS_DATALIST = "bureaux-connus"


def _station_field(help_text):
    return forms.CharField(
        label=_("Bureau de vote ou lot"),
        max_length=120,
        help_text=help_text,
        widget=forms.TextInput(attrs={"list": STATIONS_DATALIST, "autocomplete": "off"}),
    )


class ParticipationForm(forms.Form):
    channel = forms.ChoiceField(label=_("Canal"))
    station = _station_field(
        _(
            "Le bureau dont la feuille d'émargement a été signée (ou le lot de la "
            "correspondance) : son dépouillement sera comparé à ces émargements."
        )
    )
    references = forms.CharField(
        label=_("Références des logements qui ont voté"),
        help_text=_("Une référence par ligne (ou séparées par des virgules)."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, vote, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [
            (c.value, c.label) for c in (Channel.PAPER, Channel.POSTAL) if c in vote.channels
        ]

    def reference_list(self):
        return [reference for _line, reference in self.reference_lines()]

    def reference_lines(self):
        """(line number in the text area, reference) for every reference typed, in order."""
        lines = []
        for number, line in enumerate(self.cleaned_data["references"].splitlines(), start=1):
            for reference in line.replace(",", "\n").replace(";", "\n").splitlines():
                if reference.strip():
                    lines.append((number, reference.strip()))
        return lines

    def point_at(self, error):
        """Put a refusal of the batch on the references' field, naming each wrong line, so
        that the person corrects that line in what they typed (which the page keeps)."""
        wrong = set(error.references)
        templates = {
            "unknown": _("Ligne %(line)d : « %(ref)s » n'est pas sur la liste électorale."),
            "already": _("Ligne %(line)d : « %(ref)s » a déjà voté."),
        }
        template = templates[error.kind]
        for line, reference in self.reference_lines():
            if reference in wrong:
                self.add_error("references", template % {"line": line, "ref": reference})
        self.add_error(
            "references",
            _("Rien n'a été enregistré : corrigez ces lignes, puis enregistrez à nouveau."),
        )


def _number():
    return forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"})


class FiguresForm(forms.Form):
    yes = forms.IntegerField(label=_("Oui"), min_value=0, widget=_number())
    no = forms.IntegerField(label=_("Non"), min_value=0, widget=_number())
    blank = forms.IntegerField(label=_("Blancs"), min_value=0, widget=_number())
    spoiled = forms.IntegerField(label=_("Nuls"), min_value=0, widget=_number())

    def figures(self):
        d = self.cleaned_data
        return Figures(yes=d["yes"], no=d["no"], blank=d["blank"], spoiled=d["spoiled"])


class CountForm(FiguresForm):
    station = _station_field(
        _(
            "Le même nom qu'à l'émargement, par exemple « Bureau 1 – centre social » ou "
            "« Correspondance ». Saisir à nouveau un bureau existant corrige ses chiffres."
        )
    )
    channel = forms.ChoiceField(label=_("Canal"))
    field_order = ["station", "channel", "yes", "no", "blank", "spoiled"]

    def __init__(self, *args, vote, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [
            (value, label)
            for value, label in PaperCount._meta.get_field("channel").choices
            if value in vote.channels
        ]


class BallotCodeForm(forms.Form):
    """The first step of the ballot: the code of the letter, which says which vote it is for."""

    code = forms.CharField(
        label=_("Votre code de vote"),
        max_length=40,
        help_text=_("Il figure sur le courrier reçu du bailleur : 12 lettres et chiffres."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        # Checked here too (the service checks it again) so that a badly typed code is
        # reported before anything is looked up.
        from .services import CODE_LENGTH, normalise_code

        code = self.cleaned_data["code"]
        if len(normalise_code(code)) != CODE_LENGTH:
            raise forms.ValidationError(
                _("Un code compte %(n)d caractères (lettres et chiffres).") % {"n": CODE_LENGTH}
            )
        return code


class BallotForm(BallotCodeForm):
    """The second step: the choice, once the question of the code's vote has been shown."""

    choice = forms.ChoiceField(
        label=_("Votre choix"),
        choices=Choice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez oui, non ou blanc.")},
    )


class CodeReissueForm(forms.Form):
    """The dwelling whose letter was lost, by its reference on the roll."""

    reference = forms.CharField(
        label=_("Référence du logement"),
        max_length=40,
        help_text=_(
            "Le code de son courrier ne servira plus ; un nouveau courrier est imprimé aussitôt."
        ),
    )
    confirm = forms.BooleanField(
        label=_("Le locataire a perdu son courrier : son ancien code ne servira plus."),
        error_messages={"required": _("Cochez la case pour confirmer que l'ancien code s'annule.")},
    )
