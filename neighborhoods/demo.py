"""Demo data of the neighbourhoods app: the organisations, the six neighbourhoods of the source
with their housing register, households and meetings, their stages of February 2014, and one
account per role.

`TIMELINE` is the shared calendar of the demo: the votes, subscriptions and support loaders read
it rather than repeating the dates.
"""

import datetime
import random
from decimal import Decimal

from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import pipeline
from .models import (
    Dwelling,
    Household,
    Meeting,
    Neighbourhood,
    Occupancy,
    Organisation,
    Sector,
    User,
)
from .summaries import register_sizes_refresh

D = datetime.date
Stage = Neighbourhood.Stage
# The day of the source's article.
SOURCE_DATE = D(2014, 1, 13)

# The dates of the source's three neighbourhoods (see notes/HELPERS.md, "The demo").
# partners: partner meeting (validated); public: public meeting; vote_opens/vote_closes: the
# tenant vote; certified: certification of the count; yes_share: share of votes cast (%);
# launch: the service starts (stage RUNNING); launch_half_days: Meeting kind LAUNCH.
TIMELINE = {
    "Kerourien": {
        "partners": D(2009, 9, 15),
        "public": D(2009, 11, 5),
        "vote_opens": D(2009, 12, 7),
        "vote_closes": D(2009, 12, 11),
        "certified": D(2009, 12, 15),
        "yes_share": Decimal("61"),
        "launch": D(2010, 3, 1),
        "launch_half_days": [],
    },
    "Keredern": {
        "partners": D(2011, 9, 20),
        "public": D(2011, 11, 15),
        "vote_opens": D(2012, 1, 16),
        "vote_closes": D(2012, 1, 20),
        "certified": D(2012, 1, 25),
        "yes_share": Decimal("57.5"),
        "launch": D(2012, 4, 1),
        "launch_half_days": [],
    },
    "Valy-Hir": {
        "partners": D(2013, 9, 17),
        "public": D(2013, 11, 12),
        "vote_opens": D(2013, 12, 9),
        "vote_closes": D(2013, 12, 13),
        "certified": D(2013, 12, 18),
        "yes_share": Decimal("54"),
        "launch": D(2014, 2, 1),
        "launch_half_days": [D(2014, 2, 5), D(2014, 2, 19)],
    },
}
# The neighbourhoods proposed next: candidates, with the elected officials met in autumn 2013.
CANDIDATES = {"Queliverzan": 2014, "Bellevue": 2014, "Kerbernier": 2015}
ELECTED_MEETING = D(2013, 10, 8)

Kind = Organisation.Kind

ORGANISATIONS = {
    # key: (name, short name, kind)
    "city": (
        "Ville de Brest – service Internet et expression multimédia",
        "Ville de Brest",
        Kind.CITY,
    ),
    "metropolis": ("Brest métropole océane", "Bmo", Kind.METROPOLIS),
    "landlord": ("Brest métropole habitat", "Bmh", Kind.LANDLORD),
    "operator": ("Numericable", "Numericable", Kind.OPERATOR),
    "csf": ("Confédération syndicale des familles", "CSF", Kind.TENANTS_ASSOCIATION),
    "clcv": ("Consommation, logement et cadre de vie", "CLCV", Kind.TENANTS_ASSOCIATION),
    "centre_kerourien": ("Centre social de Kerourien", "CS Kerourien", Kind.CENTRE),
    "centre_keredern": ("Centre social de Keredern", "CS Keredern", Kind.CENTRE),
    "mpt_valy_hir": ("Maison pour tous du Valy-Hir", "MPT Valy-Hir", Kind.CENTRE),
    "papi": ("Points d'accès public à Internet de Brest", "PAPI", Kind.LOCAL_ASSOCIATION),
    "habitants_kerourien": (
        "Association des habitants de Kerourien",
        "Habitants Kerourien",
        Kind.LOCAL_ASSOCIATION,
    ),
    "regie_keredern": ("Régie de quartier de Keredern", "Régie Keredern", Kind.LOCAL_ASSOCIATION),
    "habitants_valy_hir": (
        "Comité des habitants du Valy-Hir",
        "Habitants Valy-Hir",
        Kind.LOCAL_ASSOCIATION,
    ),
}

# name, dwellings, centre key, tenants' associations, local partners, planned year, sectors
NEIGHBOURHOODS = [
    (
        "Kerourien",
        596,
        "centre_kerourien",
        ["csf", "clcv"],
        ["habitants_kerourien", "papi"],
        2010,
        [],
    ),
    ("Keredern", 1052, "centre_keredern", ["csf", "clcv"], ["regie_keredern", "papi"], 2012, []),
    ("Valy-Hir", 395, "mpt_valy_hir", ["csf"], ["habitants_valy_hir", "papi"], 2013, []),
    # The source: Queliverzan is supported by the MPT of Valy-Hir.
    ("Queliverzan", 500, "mpt_valy_hir", ["csf"], ["papi"], 2014, []),
    (
        "Bellevue",
        1600,
        None,
        ["csf", "clcv"],
        ["papi"],
        2014,
        # The source gives 1 600 for the three sectors together; the split is the demo's own.
        [("Bergot", 560), ("Quizac", 520), ("Kerhallet", 520)],
    ),
    ("Kerbernier", 710, None, ["clcv"], ["papi"], 2015, []),
]

# username, first name, last name, organisation key, role, staff
ACCOUNTS = [
    ("coordinatrice", "Claire", "Le Gall", "city", User.Role.COORDINATOR, True),
    ("bailleur", "Yann", "Kerjean", "landlord", User.Role.LANDLORD, False),
    ("animateur", "Malo", "Quéré", "centre_kerourien", User.Role.CENTRE, False),
    ("association", "Annick", "Le Bihan", "csf", User.Role.ASSOCIATION, False),
]


def demo_email(username):
    """A demo account's address, on a reserved domain that no real mail ever reaches."""
    return f"{username}@demo.brest.invalid"


def organisation(key):
    name, short, kind = ORGANISATIONS[key]
    org, _created = Organisation.objects.get_or_create(
        name=name, defaults={"short_name": short, "kind": kind}
    )
    return org


def _candidate_on(ctx, name, year):
    """The day a neighbourhood became a candidate: before its first step."""
    if name in TIMELINE:
        return TIMELINE[name]["partners"] - datetime.timedelta(days=120)
    return ELECTED_MEETING


def load(ctx):
    orgs = {key: organisation(key) for key in ORGANISATIONS}
    ctx.objects["organisations"] = orgs
    ctx.progress(_("%(n)d organisations") % {"n": len(orgs)})

    for name, dwellings, centre, assocs, partners, year, sectors in NEIGHBOURHOODS:
        nbh = Neighbourhood.objects.filter(name=name).first()
        if nbh is None:
            from .pipeline import create_candidate

            nbh = create_candidate(
                by=User.objects.system(),
                on=_candidate_on(ctx, name, year),
                name=name,
                slug=slugify(name),
                landlord=orgs["landlord"],
                centre=orgs[centre] if centre else None,
                planned_year=year,
                expected_dwellings=dwellings,
            )
            nbh.associations.set([orgs[a] for a in assocs])
            nbh.partners.set([orgs[p] for p in partners])
        for sector_name, sector_dwellings in sectors:
            Sector.objects.get_or_create(
                neighbourhood=nbh,
                name=sector_name,
                defaults={"expected_dwellings": sector_dwellings, "planned_year": year},
            )
    ctx.progress(_("%(n)d quartiers") % {"n": len(NEIGHBOURHOODS)})
    load_programme(ctx, orgs)

    logins = []
    for username, first, last, org_key, role, staff in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                email=demo_email(username),
                first_name=first,
                last_name=last,
                organisation=orgs[org_key],
                role=role,
                is_staff=staff,
            )
            user.set_password(ctx.password)
            user.save()
            user.sync_role_group()
        else:
            if not user.email:
                # Demo databases loaded before the accounts had addresses get theirs.
                user.email = demo_email(username)
                user.save(update_fields=["email"])
            if not user.check_password(ctx.password):
                user.set_password(ctx.password)
                user.save(update_fields=["password"])
        logins.append((username, f"{User.Role(role).label} – {orgs[org_key]}"))
    ctx.objects["demo_logins"] = logins
    ctx.progress(_("%(n)d comptes de démonstration") % {"n": len(logins)})
    load_register_life(ctx)


# The register ---------------------------------------------------------------------------

# name -> (reference code, streets); Bellevue's dwellings are split by sector.
REGISTER = {
    "Kerourien": ("KRR", ["rue de Kerourien", "rue Paul Dukas", "rue Maurice Ravel"]),
    "Keredern": ("KRD", ["rue de Keredern", "rue Vincent d'Indy", "rue Henri Sauguet"]),
    "Valy-Hir": ("VLH", ["rue du Valy-Hir", "rue de Kervern", "rue Gaston Planté"]),
    "Queliverzan": ("QLV", ["rue de Quéliverzan", "rue Saint-Marc", "rue du Bot"]),
    "Kerbernier": ("KBN", ["rue de Kerbernier", "rue du Commandant Drogou"]),
}
SECTORS = {
    "Bergot": ("BRG", ["rue du Bergot", "rue Bugeaud"]),
    "Quizac": ("QZC", ["rue de Quizac", "rue Jean Jaurès"]),
    "Kerhallet": ("KRH", ["rue de Kerhallet", "rue Rouget de Lisle"]),
}
PER_ENTRANCE = 12
ENTRANCES = 4

# A fixed list of common French and Breton names (no real people): households are drawn from it.
FIRST_NAMES = [
    "Marie",
    "Jean",
    "Anne",
    "Yann",
    "Nathalie",
    "Pierre",
    "Sophie",
    "Erwan",
    "Isabelle",
    "Gwenaël",
    "Catherine",
    "Loïc",
    "Sandrine",
    "Ronan",
    "Valérie",
    "Thierry",
    "Karine",
    "Nicolas",
    "Sylvie",
    "Mickaël",
    "Nadia",
    "Mohamed",
    "Fatima",
    "Karim",
    "Aurélie",
    "Kévin",
    "Maëlle",
    "Tristan",
    "Gaëlle",
    "Julien",
]
LAST_NAMES = [
    "Le Goff",
    "Le Gall",
    "Kerjean",
    "Le Bihan",
    "Guivarc'h",
    "Tanguy",
    "Le Roux",
    "Morvan",
    "Le Berre",
    "Quéré",
    "Caradec",
    "Le Floc'h",
    "Abgrall",
    "Le Meur",
    "Cloarec",
    "Le Bras",
    "Jézéquel",
    "Salaün",
    "Le Corre",
    "Prigent",
    "Bothorel",
    "Riou",
    "Madec",
    "Le Hir",
    "Benali",
    "Diallo",
    "Martin",
    "Bernard",
    "Moreau",
    "Lefèvre",
]


def _status(name, i):
    """A few vacant dwellings everywhere; out of service only where no service runs yet."""
    if i % 29 == 7:
        return Dwelling.Status.VACANT
    if name not in TIMELINE and i % 211 == 100:
        return Dwelling.Status.OUT_OF_SERVICE
    return Dwelling.Status.OCCUPIED


def _plan_dwellings(nbh, total, code, streets, sector=None, start=0):
    """The dwellings of one neighbourhood (or sector) as unsaved objects, deterministic."""
    dwellings = []
    for i in range(total):
        building = i // (PER_ENTRANCE * ENTRANCES) + 1
        entrance = i // PER_ENTRANCE % ENTRANCES + 1
        street = streets[(building - 1) % len(streets)]
        number = (building - 1) // len(streets) * 2 + 1
        dwellings.append(
            Dwelling(
                neighbourhood=nbh,
                sector=sector,
                reference=f"{code}-B{building:02d}-E{entrance}-{start + i + 1:04d}",
                address=f"{number} {street}, 29200 Brest",
                building=f"B{building:02d}",
                entrance=f"E{entrance}",
                status=_status(nbh.name, i),
            )
        )
    return dwellings


def load_register(ctx, nbh):
    """Create the dwellings of `nbh` not created yet, with a household in each occupied one."""
    if nbh.name == "Bellevue":
        planned = []
        for sector in nbh.sectors.order_by("name"):
            code, streets = SECTORS[sector.name]
            planned += _plan_dwellings(nbh, sector.expected_dwellings, code, streets, sector)
    else:
        code, streets = REGISTER[nbh.name]
        planned = _plan_dwellings(nbh, nbh.expected_dwellings, code, streets)
    known = set(Dwelling.objects.filter(neighbourhood=nbh).values_list("reference", flat=True))
    new = [d for d in planned if d.reference not in known]
    if not new:
        return 0
    created = Dwelling.objects.bulk_create(new, batch_size=1000)
    register_sizes_refresh([nbh.pk])
    if any(d.pk is None for d in created):  # a backend that does not return ids
        refs = {d.reference for d in new}
        created = list(Dwelling.objects.filter(reference__in=refs))
    occupied = [d for d in created if d.status == Dwelling.Status.OCCUPIED]
    rng = random.Random(f"demo-{nbh.slug}")  # noqa: S311 - fake names, not security
    households = Household.objects.bulk_create(
        [
            Household(
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                phone=(
                    f"02 98 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d} "
                    f"{rng.randint(0, 99):02d}"
                    if rng.random() < 0.4
                    else ""
                ),
            )
            for _dwelling in occupied
        ],
        batch_size=1000,
    )
    Occupancy.objects.bulk_create(
        [
            Occupancy(
                household=household,
                dwelling=dwelling,
                moved_in=D(1990, 1, 1) + datetime.timedelta(days=rng.randint(0, 8700)),
            )
            for household, dwelling in zip(households, occupied, strict=True)
        ],
        batch_size=1000,
    )
    return len(created)


# The register day to day ----------------------------------------------------------------

# Households that lived in a few of today's vacant dwellings, recorded by the landlord's staff
# on the register's pages (move-in, then move-out), one with its move-out date corrected:
# the dwelling pages then show an occupancy history. Only in neighbourhoods not yet voting or
# billed, so that no vote roll and no charge of the demo reads them.
# neighbourhood -> [(household, moved in, moved out, corrected move-out or None)]
REGISTER_LIFE = {
    "Queliverzan": [
        ("Famille Le Bras", D(2003, 9, 1), D(2013, 6, 28), D(2013, 6, 30)),
        ("Famille Riou", D(2010, 4, 15), D(2013, 12, 31), None),
    ],
    "Kerbernier": [
        ("Famille Madec", D(1998, 1, 5), D(2012, 9, 30), None),
        ("Famille Prigent", D(2007, 10, 1), D(2014, 1, 31), None),
    ],
}


def load_register_life(ctx):
    """Former households of the first vacant dwellings of `REGISTER_LIFE`'s neighbourhoods,
    through `neighborhoods.moves` as the landlord's staff would record them. Idempotent: a
    dwelling that already has an occupancy is left alone."""
    from . import moves

    by = User.objects.filter(username="bailleur").first()
    recorded = 0
    for name, households in REGISTER_LIFE.items():
        vacant = list(
            Dwelling.objects.filter(
                neighbourhood__name=name, status=Dwelling.Status.VACANT
            ).order_by("reference")[: len(households)]
        )
        for dwelling, (household, moved_in, moved_out, corrected) in zip(
            vacant, households, strict=False
        ):
            if dwelling.occupancies.exists():
                continue
            occupancy, _done = moves.household_move_in(
                dwelling=dwelling, name=household, moved_in=moved_in, by=by
            )
            moves.household_move_out(occupancy=occupancy, moved_out=moved_out, by=by)
            if corrected:
                moves.occupancy_correct(
                    occupancy=occupancy,
                    moved_in=moved_in,
                    moved_out=corrected,
                    reason=_("date de l'état des lieux de sortie"),
                    by=by,
                )
            recorded += 1
    ctx.progress(_("Registre, anciens foyers enregistrés : %(n)d") % {"n": recorded})


# Meetings and stages --------------------------------------------------------------------


def _meeting(nbh, kind, on, place, orgs, decision="", minutes="", starts=None, ends=None):
    meeting, created = Meeting.objects.get_or_create(
        neighbourhood=nbh,
        kind=kind,
        held_on=on,
        defaults={
            "place": place,
            "decision": decision,
            "minutes": minutes,
            "starts_at": starts,
            "ends_at": ends,
        },
    )
    if created:
        meeting.organisations.set(orgs)
    return meeting


def load_meetings(nbh, orgs):
    centre = nbh.centre
    place = str(centre.name) if centre else _("Mairie de quartier")
    partners = [o for o in [centre, *nbh.partners.all(), *nbh.associations.all()] if o]
    city, landlord = orgs["city"], orgs["landlord"]
    dates = TIMELINE.get(nbh.name)
    if dates is None:
        _meeting(
            nbh,
            Meeting.Kind.ELECTED,
            ELECTED_MEETING,
            _("Hôtel de ville de Brest"),
            [city, orgs["metropolis"], landlord],
            minutes=_("Les élus retiennent le quartier parmi les candidats du programme."),
        )
        return
    _meeting(
        nbh,
        Meeting.Kind.ELECTED,
        dates["partners"] - datetime.timedelta(days=90),
        _("Mairie de quartier"),
        [city, orgs["metropolis"], landlord],
        minutes=_("Les élus de quartier souhaitent proposer le programme aux habitants."),
    )
    _meeting(
        nbh,
        Meeting.Kind.PARTNERS,
        dates["partners"],
        place,
        [city, landlord, *partners],
        decision=Meeting.Decision.VALIDATED,
        minutes=_("Les associations et structures du quartier valident le projet."),
        starts=datetime.time(18, 0),
        ends=datetime.time(20, 0),
    )
    _meeting(
        nbh,
        Meeting.Kind.PUBLIC,
        dates["public"],
        place,
        [city, landlord, orgs["operator"], *partners],
        minutes=_("Présentation de l'offre à 1 € par mois, de l'accompagnement et du vote."),
        starts=datetime.time(18, 30),
        ends=datetime.time(20, 30),
    )
    for day in dates["launch_half_days"]:
        _meeting(
            nbh,
            Meeting.Kind.LAUNCH,
            day,
            place,
            [city, orgs["operator"], *([centre] if centre else [])],
            minutes=_("Demandes de raccordement, inscriptions aux ateliers, ordinateurs."),
            starts=datetime.time(14, 0),
            ends=datetime.time(18, 0),
        )
    if dates["launch"].year < 2013:
        _meeting(
            nbh,
            Meeting.Kind.REVIEW,
            dates["launch"] + datetime.timedelta(days=214),
            place,
            [city, landlord, *partners],
            minutes=_("Bilan après quelques mois de fonctionnement."),
        )
        # The source's article (13 January 2014) reports the yearly review of both services.
        _meeting(
            nbh,
            Meeting.Kind.REVIEW,
            SOURCE_DATE,
            place,
            [city, landlord, *partners],
            minutes=_("Bilan annuel : abonnés, ateliers et demandes d'aide à domicile."),
        )


ORDER = [Stage.CANDIDATE, Stage.PARTNERS, Stage.INFORMATION, Stage.VOTE]


def load_stages(nbh):
    """Walk the source's three neighbourhoods up to the vote (the votes demo does the rest)."""
    dates = TIMELINE.get(nbh.name)
    if dates is None or nbh.stage not in ORDER:
        return
    steps = [
        (Stage.PARTNERS, dates["partners"] - datetime.timedelta(days=14)),
        (Stage.INFORMATION, dates["partners"]),
        (Stage.VOTE, dates["vote_opens"]),
    ]
    for stage, on in steps:
        if ORDER.index(nbh.stage) < ORDER.index(stage):
            nbh = pipeline.advance(nbh, to_stage=stage, by=User.objects.system(), on=on)


def load_programme(ctx, orgs):
    total = 0
    for name, *_rest in NEIGHBOURHOODS:
        nbh = Neighbourhood.objects.select_related("centre").get(name=name)
        added = load_register(ctx, nbh)
        total += added
        load_meetings(nbh, orgs)
        load_stages(nbh)
        nbh.refresh_from_db()
        ctx.progress(
            _("%(name)s : %(n)d logements (%(added)d ajoutés), étape « %(stage)s »")
            % {
                "name": name,
                "n": nbh.dwellings.count(),
                "added": added,
                "stage": nbh.get_stage_display(),
            }
        )
    return total
