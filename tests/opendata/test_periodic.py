"""The open data are published again by a nightly job (brest_internet/opendata/tasks.py)."""

import pytest

from brest_internet.jobs.models import Job
from brest_internet.opendata import tasks
from brest_internet.opendata.models import Publication

pytestmark = pytest.mark.django_db


def test_the_nightly_job_publishes_and_a_second_night_without_change_adds_nothing():
    tasks.publish_nightly(timestamp=0)
    tasks.publish_nightly(timestamp=86400)

    assert Publication.objects.count() == 1
    jobs = Job.objects.filter(kind="opendata.publish")
    assert [job.state for job in jobs] == [Job.State.SUCCEEDED, Job.State.SUCCEEDED]
    assert all("Données ouvertes publiées le" in job.result for job in jobs)
