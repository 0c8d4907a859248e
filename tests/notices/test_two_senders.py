"""Two senders at the same moment (two cron runs overlapping, two job workers): each delivery
goes once. On PostgreSQL each takes its row with SELECT … FOR UPDATE SKIP LOCKED and the other
takes the next one; on SQLite their transactions are serialised."""

import threading
import time

import pytest

from brest_internet.notices.models import Delivery
from brest_internet.notices.sending import notices_send_due
from neighborhoods.models import User
from support import services as support
from tests.support.test_concurrency import run_together

from .conftest import daytime

pytestmark = pytest.mark.django_db(transaction=True)

SENT = []
LOCK = threading.Lock()


class SlowBackend:
    """Takes its time, as a provider over the network does, and keeps what it was given."""

    def send(self, *, to, text):
        time.sleep(0.02)
        with LOCK:
            SENT.append((to, text))
            return f"slow-{len(SENT)}"


def test_two_senders_at_once_send_each_notice_once(
    world, consent, make_session, households, settings
):
    settings.SMS_BACKEND = f"{__name__}.SlowBackend"
    SENT.clear()
    session = make_session(capacity=50)
    people = [consent(h, email=False, sms=True) for h in households(12)]
    for household in people:
        support.registration_create(session=session, household=household, by=User.objects.system())
    when = daytime()

    run_together(lambda: notices_send_due(now=when), [(), ()])

    assert len(SENT) == 12
    assert len({to for to, _text in SENT}) == 12
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 12
    assert sorted(Delivery.objects.values_list("attempts", flat=True)) == [1] * 12
