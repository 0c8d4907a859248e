"""Demo data of the neighbourhoods app: the organisations, the six neighbourhoods of the source,
and one account per role."""

from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Neighbourhood, Organisation, Sector, User

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


def organisation(key):
    name, short, kind = ORGANISATIONS[key]
    org, _created = Organisation.objects.get_or_create(
        name=name, defaults={"short_name": short, "kind": kind}
    )
    return org


def load(ctx):
    orgs = {key: organisation(key) for key in ORGANISATIONS}
    ctx.objects["organisations"] = orgs
    ctx.progress(_("%(n)d organisations") % {"n": len(orgs)})

    for name, dwellings, centre, assocs, partners, year, sectors in NEIGHBOURHOODS:
        nbh = Neighbourhood.objects.filter(name=name).first()
        if nbh is None:
            from .pipeline import create_candidate

            nbh = create_candidate(
                by=None,
                on=ctx.today.replace(year=min(year, ctx.today.year) - 1, month=9, day=1),
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

    logins = []
    for username, first, last, org_key, role, staff in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                organisation=orgs[org_key],
                role=role,
                is_staff=staff,
            )
            user.set_password(ctx.password)
            user.save()
            user.sync_role_group()
        elif not user.check_password(ctx.password):
            user.set_password(ctx.password)
            user.save(update_fields=["password"])
        logins.append((username, f"{User.Role(role).label} – {orgs[org_key]}"))
    ctx.objects["demo_logins"] = logins
    ctx.progress(_("%(n)d comptes de démonstration") % {"n": len(logins)})
