"""Locust users of every role, already logged in, browsing the pages of their role.

The runner (`loadtest/run.py`) writes the configuration read here: for each role a session
cookie and the URLs to visit, and LOADTEST_HOSTS the app servers: each user is given one of
them in turn, so that the users are spread evenly over the servers. A `health` user hits
/sante/ under the same load, to show the framework's floor. Never point this at anything but
127.0.0.1.
"""

import itertools
import json
import os
import random
from urllib.parse import urlparse

from locust import HttpUser, between, task

CONFIG = json.loads(open(os.environ["LOADTEST_CONFIG"], encoding="utf-8").read())  # noqa: SIM115


_HOSTS = [h for h in os.environ.get("LOADTEST_HOSTS", "").split(",") if h]
_NEXT_HOST = itertools.count()


def _loopback(host: str) -> None:
    if urlparse(host).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("The load test only targets 127.0.0.1.")


def _spread(user) -> None:
    """Send this user to the next app server (round robin), every request of it."""
    if _HOSTS:
        user.host = _HOSTS[next(_NEXT_HOST) % len(_HOSTS)]
        user.client.base_url = user.host
    _loopback(user.host)


class RoleUser(HttpUser):
    abstract = True
    wait_time = between(0.2, 1.0)
    role = ""

    def on_start(self):
        _spread(self)
        role = CONFIG["roles"][self.role]
        self.client.cookies.set(CONFIG["cookie_name"], role["session"])
        self.pages = role["pages"]

    @task
    def browse(self):
        name, url = random.choice(self.pages)
        self.client.get(url, name=name)  # one line per page, whatever the role


class Coordinator(RoleUser):
    weight = 4
    role = "coordinator"


class Landlord(RoleUser):
    weight = 2
    role = "landlord"


class Centre(RoleUser):
    weight = 2
    role = "centre"


class Association(RoleUser):
    weight = 1
    role = "association"


class Health(HttpUser):
    weight = 1
    wait_time = between(0.2, 1.0)

    def on_start(self):
        _spread(self)

    @task
    def health(self):
        self.client.get("/sante/", name="health")
