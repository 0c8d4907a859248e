"""The background jobs' pages: any signed-in user lists the jobs they started (coordinators
every job); one job is seen, and its failure acknowledged, by its starter and the coordinators
only (a 404 for anyone else: whether a job exists is not told)."""

from . import NOT_ALLOWED, NOT_FOUND, STAFF_ROLES, Row, access


def _job(world):
    """A failed job started by the landlord persona, made once (the cast exists by then)."""
    if getattr(world, "job", None) is None:
        from django.utils import timezone

        from brest_internet.jobs.models import Job
        from neighborhoods.models import User

        starter = User.objects.get(username="bailleur")  # the landlord persona
        world.job = Job.objects.create(
            kind="subscriptions.charges_generate",
            started_by=starter,
            state=Job.State.FAILED,
            finished_at=timezone.now(),
            error="Aucun tarif n'est en vigueur.",
        )
    return {"pk": world.job.pk}


# The starter (landlord persona) and the coordinators; everyone else signed in gets a 404.
starter_or_coordinator = access("coordinator", "landlord", others=NOT_FOUND)

ROWS = [
    Row(
        "jobs:list",
        get=access(*STAFF_ROLES),
        post=access(others=NOT_ALLOWED),
    ),
    Row(
        "jobs:detail",
        get=starter_or_coordinator,
        post=access(others=NOT_ALLOWED),
        kwargs=_job,
    ),
    Row(
        "jobs:acknowledge",
        get=access(others=NOT_ALLOWED),
        post=starter_or_coordinator,
        kwargs=_job,
    ),
]
