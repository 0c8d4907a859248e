"""The demo shows a background job: the coordination runs the last billed month again."""

import datetime
from types import SimpleNamespace

from brest_internet.jobs.models import Job
from brest_internet.programme import demo
from neighborhoods.models import User
from subscriptions.models import Charge
from subscriptions.services import charges_generate


def test_the_demo_runs_the_last_month_again_as_a_job_that_adds_nothing(
    settings, running, tariff, coordinator, job_queue
):
    settings.JOBS_INLINE = True  # as on a laptop (make run): the job runs at once
    charges_generate(month=datetime.date(2013, 2, 1), by=User.objects.system())
    billed = Charge.objects.count()
    messages = []

    demo.run_a_job(SimpleNamespace(progress=messages.append), coordinator)
    demo.run_a_job(SimpleNamespace(progress=messages.append), coordinator)  # loaded again

    job = Job.objects.get()
    assert (job.kind, job.started_by, job.state) == (
        "subscriptions.charges_generate",
        coordinator,
        Job.State.SUCCEEDED,
    )
    assert "0 ligne ajoutée" in job.result
    assert Charge.objects.count() == billed
    assert len(messages) == 1
