"""Permission-matrix rows of the neighborhoods app."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from . import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, STAFF_ROLES, Row, access

IN_SCOPE = ("coordinator", "landlord", "centre", "association")
COORDINATOR_ACTION = {
    "get": access(coordinator=NOT_ALLOWED),
    "post": access("coordinator"),
}
REGISTER_CSV = "Référence;Quartier;Adresse;Bâtiment;Entrée;Statut\n"


def _register_file(world):
    row = f"MATRIX-0001;{world.nbh.name};1 rue de test;B1;1;occupé\n"
    return SimpleUploadedFile("registre.csv", (REGISTER_CSV + row).encode("utf-8-sig"))


def _slug(world):
    return {"slug": world.nbh.slug}


def _candidate_slug(world):
    # A neighbourhood of its own: other apps' populate() may move world.nbh along the pipeline.
    return {"slug": world.candidate_nbh.slug}


ROWS = [
    Row("neighborhoods:list", get=access(*STAFF_ROLES), post=access(others=NOT_ALLOWED)),
    Row(
        "neighborhoods:detail",
        get=access(*IN_SCOPE, others=NOT_FOUND),
        post=access(others=NOT_ALLOWED),
        kwargs=_slug,
    ),
    Row(
        "neighborhoods:create",
        get=access("coordinator"),
        post=access("coordinator"),
        data=lambda w: {
            "name": "Quartier de la matrice",
            "landlord": w.orgs.landlord.pk,
            "expected_dwellings": "120",
        },
    ),
    Row(
        "neighborhoods:funnel",
        get=access("coordinator"),
        post=access(coordinator=NOT_ALLOWED),
    ),
    Row(
        "neighborhoods:advance",
        **COORDINATOR_ACTION,
        kwargs=_candidate_slug,
        data=lambda w: {"to_stage": "partners", "expected_stage": "candidate"},
    ),
    Row(
        "neighborhoods:stop",
        **COORDINATOR_ACTION,
        kwargs=_candidate_slug,
        data=lambda w: {
            "to_stage": "abandoned",
            "expected_stage": "candidate",
            "reason": "Le bailleur renonce",
        },
    ),
    Row(
        "neighborhoods:reopen",
        **COORDINATOR_ACTION,
        kwargs=lambda w: {"slug": w.stopped_nbh.slug},
        data=lambda w: {"expected_stage": "abandoned", "reason": "Nouvelle équipe"},
    ),
    Row(
        "neighborhoods:meeting_create",
        get=access("coordinator"),
        post=access("coordinator"),
        kwargs=_slug,
        data=lambda w: {"kind": "public", "held_on": "2014-01-10", "place": "Salle"},
    ),
    # A new sector, from the neighbourhood's page (GET: the form alone, shown with its errors).
    Row(
        "neighborhoods:sector_create",
        get=access("coordinator"),
        post=access("coordinator"),
        kwargs=_slug,
        data=lambda w: {"name": "Secteur de la matrice", "expected_dwellings": "12"},
    ),
    Row(
        "neighborhoods:meeting_edit",
        get=access("coordinator"),
        post=access("coordinator"),
        kwargs=lambda w: {"slug": w.nbh.slug, "pk": w.meeting.pk},
        data=lambda w: {"kind": "public", "held_on": "2014-01-10", "place": "Salle"},
    ),
    Row(
        "neighborhoods:meeting_date_correct",
        get=access("coordinator"),
        post=access("coordinator"),
        kwargs=lambda w: {"slug": w.nbh.slug, "pk": w.meeting.pk},
        data=lambda w: {"on": "2013-11-06", "reason": "Date du compte rendu"},
    ),
    Row(
        "neighborhoods:stage_date_correct",
        get=access("coordinator"),
        post=access("coordinator"),
        kwargs=lambda w: {"slug": w.nbh.slug, "pk": w.stage_change.pk},
        data=lambda w: {"on": "2013-02-01", "reason": "Date de la décision"},
    ),
    Row(
        "neighborhoods:register_import",
        get=access("coordinator", "landlord"),
        post=access("coordinator", "landlord"),
        data=lambda w: {"file": _register_file(w)},
    ),
    Row(
        "neighborhoods:register_import_confirm",
        get=access(coordinator=NOT_ALLOWED, landlord=NOT_ALLOWED),
        post=access("coordinator", landlord=NOT_FOUND),
        kwargs=lambda w: {"pk": w.register_import.pk},
    ),
    Row(
        "neighborhoods:register_import_cancel",
        get=access(coordinator=NOT_ALLOWED, landlord=NOT_ALLOWED),
        post=access("coordinator", landlord=NOT_FOUND),
        kwargs=lambda w: {"pk": w.register_import.pk},
    ),
    Row(
        "neighborhoods:register_export",
        get=access("coordinator", "landlord"),
        post=access(coordinator=NOT_ALLOWED, landlord=NOT_ALLOWED),
    ),
    # The register day to day: the landlord's staff and coordinators, as for the import.
    Row(
        "neighborhoods:register",
        get=access("coordinator", "landlord"),
        post=access(coordinator=NOT_ALLOWED, landlord=NOT_ALLOWED),
        kwargs=lambda w: {"slug": w.register_nbh.slug},
    ),
    Row(
        "neighborhoods:dwelling",
        get=access("coordinator", "landlord"),
        post=access(coordinator=NOT_ALLOWED, landlord=NOT_ALLOWED),
        kwargs=lambda w: _dwelling(w, w.lived_dwelling),
    ),
    Row(
        "neighborhoods:move_in",
        get=access("coordinator", "landlord"),
        post=access("coordinator", "landlord"),
        kwargs=lambda w: _dwelling(w, w.free_dwelling),
        data=lambda w: {"name": "Famille de la matrice", "moved_in": "2014-02-10"},
    ),
    Row(
        "neighborhoods:move_out",
        get=access("coordinator", "landlord"),
        post=access("coordinator", "landlord"),
        kwargs=lambda w: _dwelling(w, w.lived_dwelling),
        data=lambda w: {
            "occupancy": w.lived_occupancy.pk,
            "moved_out": "2014-02-10",
            "vacate": "on",
        },
    ),
    Row(
        "neighborhoods:dwelling_status",
        get=access("coordinator", "landlord"),
        post=access("coordinator", "landlord"),
        kwargs=lambda w: _dwelling(w, w.free_dwelling),
        data=lambda w: {
            "status": "out_of_service",
            "expected_status": "vacant",
            "reason": "Travaux",
        },
    ),
    Row(
        "neighborhoods:occupancy_correct",
        get=access("coordinator", "landlord"),
        post=access("coordinator", "landlord"),
        kwargs=lambda w: {**_dwelling(w, w.lived_dwelling), "occupancy": w.lived_occupancy.pk},
        data=lambda w: {"moved_in": "2009-01-01", "reason": "Date du bail"},
    ),
]


def _dwelling(world, dwelling):
    return {"slug": world.register_nbh.slug, "pk": dwelling.pk}


def populate(world):
    """A meeting of world.nbh, a candidate and a stopped neighbourhood, a pending import, and
    a register with a free dwelling and a lived-in one."""
    from neighborhoods import register
    from neighborhoods.models import Dwelling, Meeting, Neighbourhood, StageChange, User
    from tests import factories as f

    world.meeting = f.MeetingFactory(
        neighbourhood=world.nbh, kind=Meeting.Kind.PUBLIC, held_on=datetime.date(2013, 11, 5)
    )
    world.stage_change = StageChange.objects.create(
        neighbourhood=world.nbh,
        from_stage="",
        to_stage=Neighbourhood.Stage.CANDIDATE,
        happened_on=datetime.date(2013, 1, 15),
    )
    world.candidate_nbh = f.NeighbourhoodFactory(
        name="Quartier candidat",
        slug="quartier-candidat",
        landlord=world.orgs.landlord,
        centre=world.orgs.centre,
        stage=Neighbourhood.Stage.CANDIDATE,
    )
    world.stopped_nbh = f.NeighbourhoodFactory(
        name="Quartier arrêté",
        slug="quartier-arrete",
        landlord=world.orgs.landlord,
        centre=world.orgs.centre,
        stage=Neighbourhood.Stage.ABANDONED,
    )
    # The same persona as the `coordinator` fixture (the factory gets or creates by username).
    coordinator = f.UserFactory(
        username="coordo",
        organisation=world.orgs.city,
        role=User.Role.COORDINATOR,
        is_staff=True,
    )
    # A register of its own (same landlord): other apps' populate() may add households to
    # world.nbh's dwellings.
    world.register_nbh = f.NeighbourhoodFactory(
        name="Quartier du registre",
        slug="quartier-du-registre",
        landlord=world.orgs.landlord,
        centre=world.orgs.centre,
    )
    world.free_dwelling = f.DwellingFactory(
        neighbourhood=world.register_nbh, status=Dwelling.Status.VACANT
    )
    world.lived_dwelling = f.DwellingFactory(neighbourhood=world.register_nbh)
    world.lived_occupancy = f.OccupancyFactory(
        dwelling=world.lived_dwelling, moved_in=datetime.date(2008, 1, 1)
    )
    upload = _register_file(world)
    _plan, world.register_import = register.register_import_preview(
        user=coordinator, name=upload.name, content=upload.read()
    )
    assert world.register_import is not None
    assert OK and FORBIDDEN  # the outcomes above, named for readers
