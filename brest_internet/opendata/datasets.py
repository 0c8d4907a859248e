"""The three open datasets: their Table Schemas and their rows, from the figures the apps define.

Nothing is counted here: dwellings, stages, vote results, subscription rates and support figures
come from the apps' `stats` modules (their owners: `neighborhoods.stats`, `votes.stats`,
`subscriptions.stats`, `support.stats`), then pass `secrecy` before they reach a cell. Every
dataset is computed in a number of queries that does not depend on the number of
neighbourhoods, dwellings, ballots or sign-ups (the quarterly support figures take two queries
per quarter).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brest_internet.common.figures import percent
from brest_internet.common.periods import Period
from neighborhoods import stats as neighbourhood_stats
from neighborhoods.models import Neighbourhood, StageChange
from subscriptions import stats as subscription_stats
from support import stats as support_stats
from support.models import WorkshopSession
from votes import stats as vote_stats

from .models import CentrePlace

Stage = Neighbourhood.Stage

LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
SOURCE = "Ville de Brest – Internet pour tous en habitat social"


# --- Statistical secrecy -----------------------------------------------------------------------


def threshold() -> int:
    return settings.OPEN_DATA_MIN_COUNT


def count(n: int | None) -> int | None:
    """`n`, or None (an empty cell) below the threshold of statistical secrecy."""
    if n is None or n < threshold():
        return None
    return n


def share(value, *counts: int | None) -> Decimal | None:
    """A rate or share, published only when every count it is made of reaches the threshold.

    `counts` are the numerator and the complement of the denominator (the non-subscribers, the
    absent, the abstainers, the "no"): with the rate and one published count, a reader would
    otherwise work out the small one.
    """
    if value is None or any(count(n) is None for n in counts):
        return None
    # One decimal, rounded half up, as every figure (`brest_internet.common.figures`).
    return Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)


# --- Table Schema fields -----------------------------------------------------------------------


def _field(name, type_, title, description, **constraints):
    field = {"name": name, "type": type_, "title": title, "description": description}
    if constraints:
        field["constraints"] = constraints
    return field


def count_field(name, title, description):
    """An integer that is a count: the schema itself refuses a value under the threshold."""
    return _field(name, "integer", title, description, minimum=threshold())


def rate_field(name, title, description):
    return _field(name, "number", title, description, minimum=0, maximum=100)


def text_field(name, title, description, required=False, **constraints):
    if required:
        constraints["required"] = True
    return _field(name, "string", title, description, **constraints)


def date_field(name, title, description):
    return _field(name, "date", title, description)


SECRECY_NOTE = (
    "Vide quand le nombre est inférieur à {n} (secret statistique), ou quand il permettrait "
    "de retrouver un nombre inférieur à {n}."
)


@dataclass(frozen=True)
class Dataset:
    name: str
    title: object  # lazy: translated on the page, French in the files
    description: object
    primary_key: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    @property
    def schema_path(self) -> str:
        return f"{self.name}.schema.json"


NEIGHBOURHOODS = Dataset(
    "quartiers",
    _("Quartiers du programme"),
    _(
        "Un quartier par ligne : ses logements, son étape et les dates de son parcours, le "
        "résultat certifié du vote des locataires (participation, part du oui parmi les "
        "suffrages exprimés)."
    ),
    ("quartier_id",),
)
QUARTERS = Dataset(
    "quartiers_trimestres",
    _("Abonnements et accompagnement par quartier et par trimestre"),
    _(
        "Un quartier et un trimestre par ligne : taux d'abonnement à la fin du trimestre, "
        "séances d'ateliers et présences, ordinateurs remis, aide à domicile, demandes de "
        "conseil juridique."
    ),
    ("quartier_id", "trimestre"),
)
PLACES = Dataset(
    "lieux_mediation_numerique",
    _("Lieux de médiation numérique (centres sociaux et maisons pour tous)"),
    _(
        "Les centres qui portent l'accompagnement et leurs ateliers, au format du schéma "
        "national des lieux de médiation numérique (version 1)."
    ),
    ("id",),
)
DATASETS = (NEIGHBOURHOODS, QUARTERS, PLACES)


def _secret(text):
    return f"{text} {SECRECY_NOTE.format(n=threshold())}"


def neighbourhood_fields() -> list[dict]:
    stages = [str(choice) for choice in Stage.values]
    return [
        text_field("quartier_id", "Identifiant", "Identifiant du quartier.", required=True),
        text_field("quartier", "Quartier", "Nom du quartier.", required=True),
        text_field("commune", "Commune", "Commune du quartier."),
        count_field("logements", "Logements", _secret("Logements du registre du bailleur.")),
        text_field("etape", "Étape", "Code de l'étape actuelle.", enum=stages),
        text_field("etape_libelle", "Libellé de l'étape", "Étape actuelle, en clair."),
        date_field("etape_depuis", "Étape depuis le", "Date d'entrée dans l'étape actuelle."),
        date_field("partenaires_le", "Rencontre des partenaires", "Rencontre des partenaires."),
        date_field("information_le", "Information", "Information et réunion publique."),
        date_field("vote_le", "Vote", "Entrée dans l'étape du vote des locataires."),
        date_field("lancement_le", "Lancement", "Lancement du service."),
        date_field("arret_le", "Arrêt", "Arrêt du service."),
        date_field("vote_certifie_le", "Vote certifié le", "Certification du dernier vote."),
        _field("vote_adopte", "boolean", "Vote adopté", "Le dernier vote certifié adopte l'offre."),
        count_field("inscrits", "Inscrits", _secret("Logements inscrits sur la liste du vote.")),
        count_field("votants", "Votants", _secret("Bulletins déposés.")),
        rate_field("participation_pct", "Participation (%)", _secret("Votants pour 100 inscrits.")),
        rate_field(
            "oui_pct",
            "Oui (% des suffrages exprimés)",
            _secret("Oui pour 100 suffrages exprimés (oui + non, sans blancs ni nuls)."),
        ),
    ]


def quarter_fields() -> list[dict]:
    return [
        text_field("quartier_id", "Identifiant", "Identifiant du quartier.", required=True),
        text_field("quartier", "Quartier", "Nom du quartier.", required=True),
        text_field(
            "trimestre",
            "Trimestre",
            "Année et trimestre (2014-T1).",
            required=True,
            pattern=r"[0-9]{4}-T[1-4]",
        ),
        date_field("debut", "Début", "Premier jour du trimestre."),
        date_field("fin", "Fin", "Dernier jour du trimestre."),
        count_field("logements", "Logements", _secret("Logements du registre du bailleur.")),
        count_field(
            "abonnements_actifs",
            "Abonnements actifs",
            _secret("Abonnements actifs le dernier jour du trimestre."),
        ),
        rate_field(
            "taux_abonnement_pct",
            "Taux d'abonnement (%)",
            _secret("Abonnements actifs pour 100 logements, le dernier jour du trimestre."),
        ),
        count_field("seances_ateliers", "Séances d'ateliers", _secret("Séances tenues.")),
        count_field(
            "presences_ateliers", "Présences aux ateliers", _secret("Participants présents.")
        ),
        rate_field(
            "taux_presence_pct",
            "Taux de présence (%)",
            _secret("Présents pour 100 présents ou absents."),
        ),
        count_field("ordinateurs_remis", "Ordinateurs remis", _secret("Ordinateurs remis.")),
        count_field(
            "visites_demi_journees",
            "Visites aux demi-journées de lancement",
            _secret("Foyers venus aux demi-journées de lancement."),
        ),
        count_field(
            "demandes_aide_domicile",
            "Demandes d'aide à domicile",
            _secret("Demandes d'aide à domicile reçues."),
        ),
        count_field(
            "aides_domicile_realisees",
            "Aides à domicile réalisées",
            _secret("Demandes du trimestre dont la visite à domicile a eu lieu."),
        ),
        count_field(
            "demandes_conseil",
            "Demandes de conseil juridique",
            _secret("Demandes de conseil sur les contrats reçues par les associations."),
        ),
    ]


# The national schema of the "lieux de médiation numérique" (La Coop de la médiation numérique,
# version 1.x): field names and list values as it defines them; lists joined with "|".
SERVICE_WORKSHOPS = "Maîtrise des outils numériques du quotidien"
SERVICE_COMPUTERS = "Acquisition de matériel informatique à prix solidaire"
SERVICE_ACCESS = "Accès internet et matériel informatique"
ACCESS_WALK_IN = "Se présenter"
ACCESS_PHONE = "Téléphoner"
ACCESS_MAIL = "Contacter par mail"
SUPPORT_WORKSHOP = "Dans un atelier collectif"
SUPPORT_INDIVIDUAL = "Accompagnement individuel"
LIST_PATTERN = "[^|]+(\\|[^|]+)*"


def place_fields() -> list[dict]:
    return [
        text_field("id", "Identifiant", "Identifiant local unique du lieu.", required=True),
        text_field(
            "pivot",
            "SIRET",
            "SIRET de la structure (14 zéros s'il n'est pas connu).",
            required=True,
            pattern="[0-9]{14}",
        ),
        text_field("nom", "Nom", "Nom du lieu.", required=True),
        text_field("adresse", "Adresse", "Numéro et voie.", required=True),
        text_field("complement_adresse", "Complément d'adresse", "Complément d'adresse."),
        text_field("commune", "Commune", "Commune.", required=True),
        text_field("code_postal", "Code postal", "Code postal.", required=True, pattern="[0-9]{5}"),
        text_field("code_insee", "Code INSEE", "Code INSEE de la commune.", pattern="[0-9AB]{5}"),
        _field("latitude", "number", "Latitude", "Latitude (WGS 84)."),
        _field("longitude", "number", "Longitude", "Longitude (WGS 84)."),
        text_field("telephone", "Téléphone", "Téléphone du lieu."),
        text_field("courriels", "Courriels", "Courriels du lieu, séparés par |."),
        text_field("site_web", "Site web", "Sites web du lieu, séparés par |."),
        text_field("horaires", "Horaires", "Horaires d'ouverture (format OpenStreetMap)."),
        text_field("presentation_resume", "Présentation", "Présentation courte."),
        text_field("presentation_detail", "Présentation détaillée", "Les ateliers proposés."),
        text_field("source", "Source", "Producteur de la donnée.", required=True),
        date_field("date_maj", "Mise à jour", "Dernière mise à jour de la fiche ou des ateliers."),
        text_field(
            "services",
            "Services",
            "Services de médiation numérique proposés, séparés par |.",
            required=True,
            pattern=LIST_PATTERN,
        ),
        text_field(
            "publics_specifiquement_adresses",
            "Publics spécifiquement adressés",
            "Publics spécifiquement adressés, séparés par |.",
        ),
        text_field("modalites_acces", "Modalités d'accès", "Modalités d'accès, séparées par |."),
        text_field(
            "modalites_accompagnement",
            "Modalités d'accompagnement",
            "Modalités d'accompagnement, séparées par |.",
        ),
    ]


def schema(dataset: Dataset) -> dict:
    fields = {
        NEIGHBOURHOODS.name: neighbourhood_fields,
        QUARTERS.name: quarter_fields,
        PLACES.name: place_fields,
    }[dataset.name]()
    return {
        "fields": [{**f, "description": str(f["description"])} for f in fields],
        "primaryKey": list(dataset.primary_key),
        "missingValues": [""],
    }


# --- Rows ----------------------------------------------------------------------------------------


PIPELINE_DATES = {
    "partenaires_le": Stage.PARTNERS,
    "information_le": Stage.INFORMATION,
    "vote_le": Stage.VOTE,
}


def _stage_dates(neighbourhoods) -> dict[tuple[int, str], datetime.date]:
    """{(neighbourhood, stage): the day it last entered that stage}, in one query."""
    rows = (
        StageChange.objects.filter(neighbourhood__in=neighbourhoods)
        .order_by()
        .values_list("neighbourhood", "to_stage")
        .annotate(on=Max("happened_on"))
    )
    return {(nbh, stage): on for nbh, stage, on in rows}


def _last_votes(neighbourhoods) -> dict[int, object]:
    """The last certified vote of each neighbourhood, with turnout and yes share (one query)."""
    last = {}
    for vote in vote_stats.vote_results(neighbourhoods, Period.of()):
        last[vote.neighbourhood_id] = vote  # ordered by certification day
    return last


def neighbourhood_rows(neighbourhoods) -> list[dict]:
    """Dataset 1: one row per neighbourhood (three queries)."""
    rows = list(neighbourhood_stats.known_dwellings(neighbourhoods).order_by("name"))
    dates = _stage_dates(neighbourhoods)
    votes = _last_votes(neighbourhoods)
    out = []
    for nbh in rows:
        vote = votes.get(nbh.pk)
        row = {
            "quartier_id": nbh.slug,
            "quartier": nbh.name,
            "commune": nbh.city,
            "logements": count(nbh.known_dwellings),
            "etape": nbh.stage,
            "etape_libelle": str(Stage(nbh.stage).label),
            "etape_depuis": dates.get((nbh.pk, nbh.stage)),
            **{name: dates.get((nbh.pk, stage)) for name, stage in PIPELINE_DATES.items()},
            "lancement_le": nbh.launched_on,
            "arret_le": nbh.service_ended_on,
            "vote_certifie_le": None,
            "vote_adopte": None,
            "inscrits": None,
            "votants": None,
            "participation_pct": None,
            "oui_pct": None,
        }
        if vote is not None:
            abstainers = vote.roll_size - vote.voters
            turnout = share(vote.turnout, vote.voters, abstainers)
            row.update(
                vote_certifie_le=vote.certified_on,
                vote_adopte=vote.adopted,
                inscrits=count(vote.roll_size),
                votants=vote.voters if turnout is not None else None,
                participation_pct=turnout,
                oui_pct=share(vote.yes_share, vote.yes_count, vote.no_count),
            )
        out.append(row)
    return out


def quarter_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = datetime.date(day.year, first_month, 1)
    following = datetime.date(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)


def quarters(
    start: datetime.date, today: datetime.date
) -> list[tuple[datetime.date, datetime.date]]:
    """The quarters from `start`'s to `today`'s, both included."""
    out = []
    day = start
    while day <= today:
        first, last = quarter_of(day)
        out.append((first, last))
        day = last + datetime.timedelta(days=1)
    return out


def _first_day(neighbourhoods) -> datetime.date | None:
    """The programme's first launch or first workshop session, whichever came first."""
    firsts = [
        neighbourhoods.order_by().aggregate(first=Min("launched_on"))["first"],
        WorkshopSession.objects.filter(neighbourhood__in=neighbourhoods)
        .order_by()
        .aggregate(first=Min("starts_at"))["first"],
    ]
    days = [
        timezone.localtime(d).date() if isinstance(d, datetime.datetime) else d
        for d in firsts
        if d is not None
    ]
    return min(days) if days else None


SUPPORT_COLUMNS = {
    "ordinateurs_remis": "computers_handed_over",
    "visites_demi_journees": "visits",
    "demandes_aide_domicile": "home_help",
    "aides_domicile_realisees": "home_help_done",
    "demandes_conseil": "advice",
}


def _quarter_support(neighbourhoods, period: Period) -> list[Neighbourhood]:
    """The support figures of the dashboard for one quarter, plus the computers handed over."""
    rows = list(
        neighbourhoods.annotate(
            **support_stats.support_expressions(period),
            **support_stats.handed_over_expression(period),
        ).order_by("name")
    )
    support_stats.add_registrations(rows, period)
    return rows


def _active(nbh, first, last, figures) -> bool:
    """A row for a quarter where the service ran at some point, or where support happened."""
    running = (
        nbh.launched_on is not None
        and nbh.launched_on <= last
        and (nbh.service_ended_on is None or nbh.service_ended_on >= first)
    )
    return running or any(getattr(figures, f) for f in (*SUPPORT_COLUMNS.values(), "sessions"))


def quarter_rows(neighbourhoods, today: datetime.date) -> list[dict]:
    """Dataset 2: one row per neighbourhood and quarter, from the programme's first launch or
    workshop to the current quarter."""
    first_day = _first_day(neighbourhoods)
    if first_day is None:
        return []
    periods = quarters(first_day, today)
    dwellings = subscription_stats.dwellings_of(list(neighbourhoods))
    nbhs = list(neighbourhoods.order_by("name"))
    events = subscription_stats.SubscriptionEvents(nbhs, [last for _first, last in periods])
    out = []
    for first, last in periods:
        for figures in _quarter_support(neighbourhoods, Period(first, last)):
            if not _active(figures, first, last, figures):
                continue
            homes = dwellings.get(figures.pk, 0)
            active = events.active_on(figures.pk, last)
            rate = subscription_stats.Point(last, active, homes).rate
            attended, absent = figures.attended, figures.absent
            attendance = percent(attended, attended + absent)
            row = {
                "quartier_id": figures.slug,
                "quartier": figures.name,
                "trimestre": f"{first.year}-T{(first.month - 1) // 3 + 1}",
                "debut": first,
                "fin": last,
                "logements": count(homes),
                "abonnements_actifs": None,
                "taux_abonnement_pct": share(rate, active, homes - active),
                "seances_ateliers": count(figures.sessions),
                "presences_ateliers": count(attended),
                "taux_presence_pct": share(attendance, attended, absent),
            }
            # The count goes with its rate: a count next to the register's size would give
            # away the non-subscribers when they are few.
            if row["taux_abonnement_pct"] is not None:
                row["abonnements_actifs"] = active
            row.update(
                {column: count(getattr(figures, f)) for column, f in SUPPORT_COLUMNS.items()}
            )
            out.append(row)
    return out


def place_rows() -> list[dict]:
    """Dataset 3: the centres with a place, in the national schema (three queries)."""
    places = list(CentrePlace.objects.select_related("centre").order_by("centre__name"))
    centres = [p.centre_id for p in places]
    sessions = (
        WorkshopSession.objects.not_cancelled()
        .filter(centre__in=centres)
        .order_by()
        .values_list("centre", "topic__name")
        .annotate(last=Max("starts_at"))
    )
    topics: dict[int, dict[str, datetime.datetime]] = {}
    for centre, topic, last in sessions:
        topics.setdefault(centre, {})[topic] = last
    served = (
        Neighbourhood.objects.filter(centre__in=centres)
        .order_by()
        .values_list("centre")
        .annotate(
            computers=Count("computer_orders", distinct=True),
            home_help=Count("home_help_requests", distinct=True),
        )
    )
    offers = {centre: (computers, home_help) for centre, computers, home_help in served}
    out = []
    for place in places:
        held = topics.get(place.centre_id, {})
        computers, home_help = offers.get(place.centre_id, (0, 0))
        services = [SERVICE_WORKSHOPS] if held else []
        services += [SERVICE_COMPUTERS] if computers else []
        services += [SERVICE_ACCESS]  # the programme's connection offer, at €1 a month
        access = [ACCESS_WALK_IN]
        access += [ACCESS_PHONE] if place.phone else []
        access += [ACCESS_MAIL] if place.email else []
        support = [SUPPORT_WORKSHOP] if held else []
        support += [SUPPORT_INDIVIDUAL] if home_help else []
        last_session = max(held.values(), default=None)
        updated = place.updated_on
        if last_session is not None:
            updated = max(updated, timezone.localtime(last_session).date())
        out.append(
            {
                "id": f"brest-internet-pour-tous-{place.centre_id}",
                "pivot": place.pivot,
                "nom": place.centre.name,
                "adresse": place.address,
                "complement_adresse": place.address_extra,
                "commune": place.city,
                "code_postal": place.postcode,
                "code_insee": place.insee_code,
                "latitude": place.latitude,
                "longitude": place.longitude,
                "telephone": place.phone,
                "courriels": place.email,
                "site_web": place.website,
                "horaires": place.opening_hours,
                "presentation_resume": (
                    "Accompagnement au numérique du programme Internet pour tous en habitat "
                    "social : ateliers d'initiation, aide à domicile, ordinateurs à petit prix."
                ),
                "presentation_detail": (
                    "Ateliers : " + " ; ".join(sorted(held)) + "." if held else ""
                ),
                "source": SOURCE,
                "date_maj": updated,
                "services": "|".join(services),
                "publics_specifiquement_adresses": "",
                "modalites_acces": "|".join(access),
                "modalites_accompagnement": "|".join(support),
            }
        )
    return out


def rows_of(dataset: Dataset, today: datetime.date) -> list[dict]:
    everything = Neighbourhood.objects.all()
    if dataset is NEIGHBOURHOODS:
        return neighbourhood_rows(everything)
    if dataset is QUARTERS:
        return quarter_rows(everything, today)
    return place_rows()
