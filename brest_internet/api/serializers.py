"""What the API answers and accepts, field by field, with French descriptions for the schema."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from neighborhoods.models import Dwelling, Neighbourhood, Organisation
from subscriptions.models import ChargeExport, Subscription


def month_field(**kwargs):
    return serializers.RegexField(r"^\d{4}-\d{2}$", max_length=7, **kwargs)


class MeSerializer(serializers.Serializer):
    organisation = serializers.CharField(help_text=_("Nom de l'organisation du jeton."))
    type = serializers.ChoiceField(
        choices=Organisation.Kind.choices, help_text=_("Type de partenaire.")
    )
    jeton = serializers.CharField(help_text=_("Début du jeton (le reste n'est jamais montré)."))
    cree_le = serializers.DateTimeField(help_text=_("Création du jeton."))
    derniere_utilisation = serializers.DateTimeField(
        allow_null=True, help_text=_("Dernière utilisation du jeton (à la minute près).")
    )


class LotSerializer(serializers.ModelSerializer):
    numero = serializers.IntegerField(source="number", help_text=_("Numéro du lot (1 : le mois)."))
    contenu = serializers.ChoiceField(
        source="kind",
        choices=ChargeExport.Kind.choices,
        help_text=_("« month » : le mois ; « adjustments » : des ajustements exportés après."),
    )
    nom_fichier = serializers.CharField(source="filename", help_text=_("Nom du fichier exporté."))
    lignes = serializers.IntegerField(
        source="rows", help_text=_("Lignes du fichier (sans l'en-tête).")
    )
    montant = serializers.DecimalField(
        source="amount", max_digits=12, decimal_places=2, help_text=_("Montant du lot (€).")
    )
    sha256 = serializers.CharField(help_text=_("Empreinte SHA-256 du fichier tel qu'exporté."))
    taille = serializers.IntegerField(source="size", help_text=_("Taille du fichier (octets)."))
    exporte_le = serializers.DateTimeField(source="created_at", help_text=_("Export du lot."))

    class Meta:
        model = ChargeExport
        fields = [
            "numero",
            "contenu",
            "nom_fichier",
            "lignes",
            "montant",
            "sha256",
            "taille",
            "exporte_le",
        ]


class LockedMonthSerializer(serializers.Serializer):
    mois = serializers.CharField(help_text=_("Mois facturé, AAAA-MM."))
    exporte_le = serializers.DateTimeField(help_text=_("Export (verrouillage) du mois."))
    lots = LotSerializer(many=True, help_text=_("Les fichiers du mois, tels qu'exportés."))


class ChargeLineSerializer(serializers.Serializer):
    """One line of an exported file, as the file has it (the same text, column for column)."""

    mois = serializers.CharField(help_text=_("Colonne « mois » du fichier (AAAA-MM)."))
    reference_logement = serializers.CharField(help_text=_("Colonne « référence logement »."))
    quartier = serializers.CharField(help_text=_("Colonne « quartier »."))
    payeur = serializers.CharField(help_text=_("Colonne « payeur »."))
    montant = serializers.CharField(
        help_text=_("Colonne « montant », avec la virgule décimale du fichier (« 1,00 »).")
    )
    nature = serializers.CharField(help_text=_("Colonne « nature » : charge ou ajustement."))


class AdjustmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("Numéro de l'ajustement."))
    reference_logement = serializers.CharField(source="dwelling.reference")
    quartier = serializers.CharField(source="neighbourhood.name")
    nature = serializers.ChoiceField(choices=["credit", "debit"], source="kind")
    montant = serializers.DecimalField(
        source="signed_amount",
        max_digits=8,
        decimal_places=2,
        help_text=_("Montant signé (€) : négatif pour un avoir."),
    )
    payeur = serializers.CharField(source="payer")
    motif = serializers.CharField(source="reason")
    saisi_le = serializers.DateTimeField(source="created_at")
    lot = serializers.IntegerField(
        allow_null=True,
        source="lot_number",
        help_text=_("Lot qui l'a exporté ; vide : pas encore exporté."),
    )


class NeighbourhoodSerializer(serializers.ModelSerializer):
    identifiant = serializers.CharField(source="slug")
    nom = serializers.CharField(source="name")
    etape = serializers.ChoiceField(source="stage", choices=Neighbourhood.Stage.choices)
    lance_le = serializers.DateField(source="launched_on", allow_null=True)
    logements = serializers.IntegerField(
        source="dwelling_count", help_text=_("Logements du registre.")
    )

    class Meta:
        model = Neighbourhood
        fields = ["identifiant", "nom", "etape", "lance_le", "logements"]


class DwellingSerializer(serializers.ModelSerializer):
    """A dwelling of the register: never the household who lives there."""

    reference = serializers.CharField()
    adresse = serializers.CharField(source="address")
    batiment = serializers.CharField(source="building")
    entree = serializers.CharField(source="entrance")
    secteur = serializers.CharField(source="sector.name", allow_null=True, default=None)
    statut = serializers.ChoiceField(source="status", choices=Dwelling.Status.choices)

    class Meta:
        model = Dwelling
        fields = ["reference", "adresse", "batiment", "entree", "secteur", "statut"]


class RequestSerializer(serializers.ModelSerializer):
    """A connection request sent to the operator: what its file carries, and where it stands."""

    id = serializers.IntegerField(help_text=_("Numéro de demande (celui du fichier)."))
    demandee_le = serializers.DateField(source="requested_on")
    quartier = serializers.CharField(source="dwelling.neighbourhood.name")
    reference_logement = serializers.CharField(source="dwelling.reference")
    adresse = serializers.CharField(source="dwelling.address")
    batiment = serializers.CharField(source="dwelling.building")
    entree = serializers.CharField(source="dwelling.entrance")
    foyer = serializers.CharField(source="household.name")
    telephone = serializers.CharField(source="household.phone")
    canal = serializers.ChoiceField(source="channel", choices=Subscription.Channel.choices)
    statut = serializers.ChoiceField(source="status", choices=Subscription.Status.choices)
    transmise_le = serializers.DateField(source="sent_on", allow_null=True)
    activee_le = serializers.DateField(source="activated_on", allow_null=True)
    numero_modem = serializers.CharField(source="modem_serial")
    resiliee_le = serializers.DateField(source="cancelled_on", allow_null=True)
    lot = serializers.IntegerField(
        source="sent_in.batch_id",
        allow_null=True,
        default=None,
        help_text=_("Lot de demandes qui l'a transmise ; vide : transmise seule."),
    )

    class Meta:
        model = Subscription
        fields = [
            "id",
            "demandee_le",
            "quartier",
            "reference_logement",
            "adresse",
            "batiment",
            "entree",
            "foyer",
            "telephone",
            "canal",
            "statut",
            "transmise_le",
            "activee_le",
            "numero_modem",
            "resiliee_le",
            "lot",
        ]


class RequestFilterSerializer(serializers.Serializer):
    statut = serializers.ChoiceField(
        choices=[
            Subscription.Status.SENT,
            Subscription.Status.ACTIVE,
            Subscription.Status.CANCELLED,
        ],
        required=False,
        help_text=_("Ne garder que les demandes à ce statut."),
    )


class ActivationSerializer(serializers.Serializer):
    activee_le = serializers.DateField(help_text=_("Date d'activation du modem (AAAA-MM-JJ)."))
    numero_modem = serializers.CharField(
        max_length=60, help_text=_("Numéro de série du modem installé.")
    )


class RefusalSerializer(serializers.Serializer):
    refusee_le = serializers.DateField(help_text=_("Date du refus (AAAA-MM-JJ)."))
    motif = serializers.CharField(
        max_length=500, help_text=_("Pourquoi la connexion ne peut pas être faite.")
    )


class FiguresFilterSerializer(serializers.Serializer):
    depuis = month_field(
        required=False, help_text=_("Premier mois, AAAA-MM (défaut : il y a 11 mois).")
    )
    jusqu_a = month_field(required=False, help_text=_("Dernier mois, AAAA-MM (défaut : ce mois)."))


class FigureSerializer(serializers.Serializer):
    quartier = serializers.CharField(help_text=_("Nom du quartier."))
    identifiant = serializers.CharField(help_text=_("Identifiant du quartier."))
    mois = serializers.CharField(help_text=_("Mois, AAAA-MM."))
    logements = serializers.IntegerField(help_text=_("Logements du registre."))
    abonnes_actifs = serializers.IntegerField(
        help_text=_("Abonnements actifs à la fin du mois (ou aujourd'hui pour le mois en cours).")
    )
    taux = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        allow_null=True,
        help_text=_("Abonnements actifs pour 100 logements."),
    )
    montant_facture = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        help_text=_("Facturé ce mois : charges et ajustements (€)."),
    )
    montant_par_abonne = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        allow_null=True,
        help_text=_("Montant facturé par abonné actif (€)."),
    )
