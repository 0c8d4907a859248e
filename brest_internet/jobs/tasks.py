"""The queue's own upkeep: a crashed worker's jobs are retried or failed, and our Job rows
follow what Procrastinate knows (never "running" for ever).

A worker killed with `kill -9` stops sending its heartbeat; after JOBS_STALLED_SECONDS its jobs
still "doing" are stalled. Each is put back in the queue (its data were all or nothing, so the
next try starts clean) until it has been tried JOBS_MAX_ATTEMPTS times, then marked failed.
"""

from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from procrastinate import jobs
from procrastinate.contrib.django import app

from .models import Job

STALLED_FAILED = (
    "Le processus qui exécutait cette tâche s'est arrêté %(n)d fois avant la fin ; rien n'a "
    "été enregistré à moitié. Relancez-la, ou prévenez l'équipe technique si cela se répète."
)
LOST = (
    "Cette tâche a été perdue par la file d'attente ; rien n'a été enregistré à moitié. "
    "Relancez-la."
)


@app.periodic(cron=settings.JOBS_RECONCILE_CRON, periodic_id="jobs.reconcile")
@app.task(name="jobs.reconcile", queueing_lock="jobs.reconcile", pass_context=True)
async def reconcile(context, timestamp):
    await reconcile_now(context.app)


async def reconcile_now(procrastinate_app) -> dict[str, int]:
    """Retry or fail the stalled jobs, then align our Job rows; returns the counts."""
    manager = procrastinate_app.job_manager
    retried = failed = 0
    for stalled in await manager.get_stalled_jobs(
        seconds_since_heartbeat=settings.JOBS_STALLED_SECONDS
    ):
        if stalled.attempts + 1 < settings.JOBS_MAX_ATTEMPTS:
            await manager.retry_job(stalled)
            await sync_to_async(_requeued)(stalled.id)
            retried += 1
        else:
            await manager.finish_job(stalled, status=jobs.Status.FAILED, delete_job=False)
            await sync_to_async(_failed)(
                stalled.id, _(STALLED_FAILED) % {"n": stalled.attempts + 1}
            )
            failed += 1
    lost = await sync_to_async(_lost_ids)()
    for procrastinate_id in lost:
        found = await manager.list_jobs_async(id=procrastinate_id)
        status = next(iter(found)).status if found else None
        if status in (None, "failed", "cancelled", "aborted"):
            await sync_to_async(_failed)(procrastinate_id, _(LOST))
            failed += 1
    return {"retried": retried, "failed": failed}


def _requeued(procrastinate_id):
    Job.objects.filter(procrastinate_id=procrastinate_id, state=Job.State.RUNNING).update(
        state=Job.State.QUEUED,
        error=_("Le processus s'est arrêté en cours de route : la tâche est relancée."),
    )


def _failed(procrastinate_id, message):
    Job.objects.filter(
        procrastinate_id=procrastinate_id, state__in=[Job.State.QUEUED, Job.State.RUNNING]
    ).update(state=Job.State.FAILED, finished_at=timezone.now(), error=message)


def _lost_ids():
    return list(
        Job.objects.filter(
            state__in=[Job.State.QUEUED, Job.State.RUNNING], procrastinate_id__isnull=False
        ).values_list("procrastinate_id", flat=True)
    )
