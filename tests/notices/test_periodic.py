"""The notices go out from a periodic job (brest_internet/notices/tasks.py), once each."""

from brest_internet.jobs.models import Job
from brest_internet.notices import tasks
from brest_internet.notices.models import Delivery
from neighborhoods.models import User
from support import services as support

from .conftest import address_of


def test_the_periodic_job_sends_what_is_due_once_and_says_so(world, consent, make_session, smtp):
    household = consent(world.household, sms=False)  # e-mail only: no quiet hours to wait for
    email, _number = address_of(household)
    support.registration_create(
        session=make_session(), household=household, by=User.objects.system()
    )

    tasks.send_due(timestamp=0)
    tasks.send_due(timestamp=300)  # the next tick: nothing more to send

    assert len(smtp.to(email)) == 1
    assert Delivery.objects.get(channel="email").status == Delivery.Status.SENT
    first, second = Job.objects.filter(kind="notices.send").order_by("pk")
    assert first.state == Job.State.SUCCEEDED and second.state == Job.State.SUCCEEDED
    assert "Notification envoyée : 1." in first.result
    assert "Notification envoyée : 0." in second.result  # French: 0 takes the singular
