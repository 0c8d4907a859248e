"""Fixtures of the notices tests: the real SMTP server of the account tests, a local stand-in
of Brevo's transactional SMS API (an `http.server` thread), and consenting households."""

import datetime
import json
import threading
import zoneinfo
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.utils import timezone

from brest_internet.notices import services
from brest_internet.notices.models import ConsentEvent
from support.models import WorkshopSession
from tests.accounts.conftest import smtp  # noqa: F401 (the fixtures, shared)
from tests.support.conftest import households, topic  # noqa: F401

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


class BrevoStandIn:
    """Answers POST /v3/transactionalSMS/sms like Brevo, keeping what arrived.

    `fail_next(n, status)` makes the next n requests fail with that HTTP status."""

    def __init__(self):
        self.received = []
        self.failures = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if stand_in.failures:
                    status = stand_in.failures.pop(0)
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"code":"invalid_parameter","message":"try later"}')
                    return
                stand_in.received.append(
                    {
                        "path": self.path,
                        "api_key": self.headers.get("api-key"),
                        "json": json.loads(body),
                    }
                )
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                message_id = 1000 + len(stand_in.received)
                self.wfile.write(json.dumps({"messageId": message_id}).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def fail_next(self, n, status=503):
        self.failures.extend([status] * n)

    def to(self, number):
        return [r["json"]["content"] for r in self.received if r["json"]["recipient"] == number]


@pytest.fixture
def brevo(settings):
    stand_in = BrevoStandIn()
    stand_in.thread.start()
    settings.SMS_BACKEND = "brest_internet.notices.sms.BrevoBackend"
    settings.BREVO_API_URL = stand_in.url
    settings.BREVO_API_KEY = "test-api-key"
    settings.SMS_TIMEOUT_SECONDS = 5
    try:
        yield stand_in
    finally:
        stand_in.server.shutdown()
        stand_in.server.server_close()


@pytest.fixture
def outbox(smtp, brevo):  # noqa: F811
    """What arrived, by e-mail (the SMTP server) and by SMS (the Brevo stand-in)."""
    return SimpleNamespace(mail=smtp, sms=brevo)


def daytime(days=1, hour=10):
    """`days` from today at `hour` in Paris: when an SMS may go."""
    day = timezone.now().astimezone(PARIS).date() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=PARIS)


@pytest.fixture
def consent():
    """`consent(household, email=True, sms=True, language="fr")` as given at the desk."""

    def give(household, email=True, sms=True, language="fr", n=None):
        n = household.pk if n is None else n
        services.consent_record(
            household=household,
            by=None,
            source=ConsentEvent.Source.DESK,
            email=f"foyer{n}@exemple.invalid" if email else "",
            email_consent=email,
            phone=f"06 39 98 {n // 100 % 100:02d} {n % 100:02d}" if sms else "",
            sms_consent=sms,
            language=language,
        )
        return household

    return give


def address_of(household):
    household.contact.refresh_from_db()
    return household.contact.email, household.contact.phone.removeprefix("+")


@pytest.fixture
def make_session(world, topic):  # noqa: F811 (the shared fixture)
    def make(capacity=5, starts=None, place="Salle Gwenn"):
        starts = starts or daytime(days=10, hour=14)
        return WorkshopSession.objects.create(
            topic=topic,
            centre=world.nbh.centre,
            neighbourhood=world.nbh,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            place=place,
            facilitator="Malo Quéré",
            capacity=capacity,
        )

    return make
