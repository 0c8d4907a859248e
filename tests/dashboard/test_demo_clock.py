"""The demo clock: `make run` opens the demo on a day just after the source's story, so that a
newcomer sees a live programme; production refuses the clock."""

import datetime
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from brest_internet.common import clock
from neighborhoods.management.commands.load_brest_demo import DEMO_DATE
from neighborhoods.models import Neighbourhood, User

ROOT = Path(__file__).resolve().parents[2]


def makefile_demo_today() -> datetime.date:
    found = re.search(r"^DEMO_TODAY \?= (\S+)$", (ROOT / "Makefile").read_text(), re.M)
    return datetime.date.fromisoformat(found.group(1))


def test_make_run_sets_the_clock_just_after_the_demo_data():
    day = makefile_demo_today()
    assert DEMO_DATE < day <= DEMO_DATE + datetime.timedelta(days=7)
    run = re.search(r"^run: .*?(?=^\S)", (ROOT / "Makefile").read_text(), re.M | re.S).group(0)
    assert run.count("DEMO_TODAY=$(DEMO_TODAY)") == 3  # migrate, load the demo, serve


def test_the_clock_is_real_unless_the_demo_sets_it(settings):
    settings.DEMO_TODAY = None
    assert clock.today() == timezone.localdate()
    settings.DEMO_TODAY = datetime.date(2014, 3, 3)
    assert clock.today() == datetime.date(2014, 3, 3)
    now = clock.now()
    assert timezone.is_aware(now) and timezone.localtime(now).date() == datetime.date(2014, 3, 3)


def _settings_in(env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DEMO_TODAY"}}
    base |= {"READ_DOT_ENV": "0", "TESTING": "0", "SECRET_KEY": "x" * 50}
    base |= {"ALLOWED_HOSTS": "internet.example.org"}
    return subprocess.run(
        [sys.executable, "-c", "import brest_internet.settings as s; print(s.DEMO_TODAY)"],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_the_demo_clock():
    refused = _settings_in({"DEBUG": "0", "DEMO_TODAY": "2014-03-03"})
    assert refused.returncode != 0
    assert "DEMO_TODAY" in refused.stderr and "production" in refused.stderr
    laptop = _settings_in({"DEBUG": "1", "DEMO_TODAY": "2014-03-03"})
    assert laptop.returncode == 0, laptop.stderr
    assert laptop.stdout.strip() == "2014-03-03"
    assert _settings_in({"DEBUG": "0"}).returncode == 0


def test_a_mistyped_demo_clock_is_refused_with_its_format():
    wrong = _settings_in({"DEBUG": "1", "DEMO_TODAY": "03/03/2014"})
    assert wrong.returncode != 0 and "YYYY-MM-DD" in wrong.stderr


@pytest.fixture
def demo_on_its_clock(db, settings):
    settings.DEMO_PASSWORD = "demo-mot-de-passe-de-test"
    settings.DEMO_TODAY = makefile_demo_today()
    call_command("load_brest_demo", stdout=io.StringIO())
    return User.objects.get(username="coordinatrice")


def test_the_demo_opened_on_its_clock_looks_live(demo_on_its_clock, client_for):
    client = client_for(demo_on_its_clock)
    reviews = client.get(reverse("dashboard:review_list")).content.decode()
    assert "Bilan à faire" not in reviews
    for name in ("Kerourien", "Keredern"):
        nbh = Neighbourhood.objects.get(name=name)
        page = client.get(reverse("neighborhoods:detail", args=[nbh.slug])).content.decode()
        assert "Bilan à faire" not in page, name

    html = client.get(reverse("dashboard:index")).content.decode()
    assert "Démonstration : le programme tel qu'il était le 3 mars 2014" in html
    trend = re.search(r'<script id="chart-trend" type="application/json">(.*?)</script>', html)
    labels = json.loads(trend.group(1))["labels"]
    # The subscription chart ends on the demo's day, not twelve flat years later.
    assert labels[-1].endswith("2014"), labels[-1]


def test_without_the_clock_the_demo_reviews_are_overdue(demo_on_its_clock, client_for, settings):
    """What a newcomer saw before: the real date makes every running service overdue."""
    settings.DEMO_TODAY = None
    page = client_for(demo_on_its_clock).get(reverse("dashboard:review_list")).content.decode()
    assert "Bilan à faire" in page
    assert django_settings.DEMO_TODAY is None
