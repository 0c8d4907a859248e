"""The pages a user opens, timed; and their ratios, the targets `bench --check` enforces.

Every page is read by the bench's coordinator (who sees the whole programme). Each page row
of the table comes with two ratios measured in the same run:

- p95 at the requested size ÷ p95 of the same page at `baseline` dwellings (10 000 by
  default, a second bench database measured just before): a page whose cost does not grow
  with the programme stays near 1 (target ≤ SIZE_RATIO);
- p95 ÷ the p95 of `/sante/` (one `SELECT 1`, no template) requested by the same logged-in
  user just before the page's own requests, as many times: the floor every page pays on this
  machine at this moment (middleware, session, user, second factor), so that a loaded machine
  slows both (target ≤ HEALTH_RATIO). Measured once for all the pages, the floor read the
  machine at another moment: on this machine the same page read 8× in one run and 11× in the
  next. Not one request of each in turn either: a /sante/ right after a page pays for the
  page's garbage and cold caches (its p95 went from 3.7 to 4–7 ms), a floor raised by the page.
  Called without a session, as a load balancer does, it costs a fraction of a millisecond in
  the test client, which no page that renders a template could come within 10× of.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse

from neighborhoods.models import Household, Neighbourhood

from .generate import Plan, add_months
from .table import Row

PAGE_P95_MS = 150.0
SIZE_RATIO = 1.5
HEALTH_RATIO = 10.0
BASELINE_DWELLINGS = 10_000
HEALTH = "/sante/ (contrôle de santé)"


def _pk(name):
    return lambda s: {"pk": s[name].pk} if s.get(name) else None


def _slug(s):
    return {"slug": s["nbh"].slug} if s.get("nbh") else None


# (label, candidate URL names with their kwargs): the first that resolves is measured.
PAGES = [
    (HEALTH, [("health", None)]),
    ("tableau de bord", [("dashboard:index", None), ("dashboard:home", None), ("dashboard", None)]),
    ("charges d'un mois", [("subscriptions:charges_month", lambda s: {"month": s["month"]})]),
    ("abonnements", [("subscriptions:list", None)]),
    ("registre d'un quartier", [("neighborhoods:register", _slug)]),
    ("historique d'un foyer", [("support:household_detail", _pk("household"))]),
    ("quartier (page)", [("neighborhoods:detail", _slug)]),
    ("quartiers (liste)", [("neighborhoods:list", None)]),
    ("résultats d'un vote", [("votes:result", _pk("vote"))]),
    ("séance d'atelier", [("support:session_detail", _pk("session"))]),
    ("admin : logements", [("admin:neighborhoods_dwelling_changelist", None)]),
    ("admin : foyers", [("admin:neighborhoods_household_changelist", None)]),
    ("admin : abonnements", [("admin:subscriptions_subscription_changelist", None)]),
    ("admin : charges", [("admin:subscriptions_charge_changelist", None)]),
]


@dataclass
class PageTiming:
    """One page's measurement: its p95 and median over `repeat` requests, its SQL."""

    label: str
    url: str | None
    status: int | None = None
    p95_ms: float | None = None
    median_ms: float | None = None
    queries: int | None = None
    slowest: list[tuple[float, str]] = field(default_factory=list)  # (ms, sql), slowest first
    # The p95 of /sante/ requested just before this page's requests (None: the health check
    # itself, or not measured).
    health_p95_ms: float | None = None

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> PageTiming:
        data = dict(data)
        data["slowest"] = [tuple(q) for q in data.get("slowest", [])]
        return cls(**data)


def subjects():
    """The objects the pages show: the biggest bench neighbourhood and what hangs off it."""
    nbh = Neighbourhood.objects.with_dwelling_counts().order_by("-dwelling_count", "pk").first()
    found = {"nbh": nbh, "month": add_months(Plan(1, 0).current_month, -1).strftime("%Y-%m")}
    from support.models import WorkshopSession
    from votes.models import Vote

    found["vote"] = Vote.objects.filter(neighbourhood=nbh).first()
    found["session"] = WorkshopSession.objects.filter(neighbourhood=nbh).order_by("-pk").first()
    found["household"] = (
        Household.objects.filter(
            occupancies__dwelling__neighbourhood=nbh, subscriptions__isnull=False
        )
        .order_by("pk")
        .first()
    )
    return found


def url_of(candidates, found) -> str | None:
    for name, kwargs in candidates:
        args = kwargs(found) if kwargs else {}
        if kwargs and args is None:
            continue
        try:
            return reverse(name, kwargs=args)
        except NoReverseMatch:
            continue
    return None


def p95(times: list[float]) -> float:
    """The nearest-rank 95th percentile (of 20 requests: the 19th fastest)."""
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def time_request(client: Client, url: str) -> float:
    """Milliseconds of one GET (the response fully rendered, as the test client returns it)."""
    started = time.perf_counter()
    client.get(url)
    return (time.perf_counter() - started) * 1000


SETTINGS = {
    "ALLOWED_HOSTS": ["testserver"],
    "SECURE_SSL_REDIRECT": False,
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
}


def verify(session, user) -> None:
    """Mark `session` as having passed the second factor, as after typing the code.

    Coordinators and landlords' staff owe a TOTP code (TWO_FACTOR_REQUIRED, on in production):
    the bench gives its user a confirmed device and the session django_otp's mark, so that the
    pages are measured with the check every request pays, not redirected to the code page.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, name="bench").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id


def logged_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    verify(session, user)
    session.save()
    return client


class Measurer:
    """The pages of this process's database, one at a time, by label: after one warm-up
    request and one whose SQL is captured, `repeat` requests of `/sante/` (the page's floor)
    then `repeat` of the page. Set up once (the subjects, a verified client, the process
    settled as a web server's is: `brest_internet.startup.settle`); used inside `active()`."""

    def __init__(self, user, *, repeat: int, pages=PAGES):
        from brest_internet.startup import settle

        self.repeat = repeat
        self.pages = dict(pages)
        self.found = subjects()
        self.health_url = url_of(self.pages[HEALTH], self.found)
        self.settings = override_settings(**SETTINGS)
        with self.settings:
            self.client = logged_in_client(user)
            settle()

    def active(self):
        return self.settings

    def measure(self, label: str) -> PageTiming:
        client, repeat = self.client, self.repeat
        url = url_of(self.pages.get(label, []), self.found)
        timing = PageTiming(label, url)
        if url is None:
            return timing
        timing.status = client.get(url).status_code
        if timing.status != 200:
            return timing
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries = list(captured.captured_queries)  # now: the next request empties the log
        timing.queries = len(queries)
        timing.slowest = sorted(
            ((float(q["time"]) * 1000, q["sql"]) for q in queries), reverse=True
        )[:3]
        floor = []
        if self.health_url and url != self.health_url:
            floor = [time_request(client, self.health_url) for _ in range(repeat)]
        times = [time_request(client, url) for _ in range(repeat)]
        timing.p95_ms = p95(times)
        timing.median_ms = statistics.median(times)
        timing.health_p95_ms = p95(floor) if floor else None
        return timing


def measure(user, *, repeat: int, pages=PAGES, before=None) -> list[PageTiming]:
    """Every page of `pages`, in order (`Measurer`). `before(label)`, when given, is called
    just before each page is measured here: the reference measures the same page on its own
    database then, so that both sizes of a page are timed within seconds of each other."""
    measurer = Measurer(user, repeat=repeat, pages=pages)
    timings = []
    with measurer.active():
        for label, _candidates in pages:
            if before is not None:
                before(label)
            timings.append(measurer.measure(label))
    return timings


def ms(value: float) -> str:
    return f"{value:.1f} ms" if value < 10 else f"{value:.0f} ms"


def ratio(value: float | None, base: float | None) -> float | None:
    if value is None or base is None:
        return None
    return value / base if base > 0 else float("inf")


def rows(
    timings: list[PageTiming],
    *,
    baseline: dict[str, PageTiming] | None,
    baseline_dwellings: int,
    known_counts: dict[str, int] | None = None,
) -> list[Row]:
    """The table's rows: per page its p95 (≤ PAGE_P95_MS, same query count as `known_counts`),
    then its ratio to the baseline size (≤ SIZE_RATIO) and to /sante/ (≤ HEALTH_RATIO).

    A ratio that could not be measured (no baseline, the page absent from it) is shown "n/a"
    without a verdict. The health check gets no ratio to itself; its ratio to the baseline is
    shown for information (it is the floor, not a page).
    """
    known_counts = known_counts or {}
    health = next((t.p95_ms for t in timings if t.label == HEALTH), None)
    size = f"{baseline_dwellings:,}".replace(",", " ")
    out = []
    for t in timings:
        if t.url is None:
            out.append(Row("4", t.label, "n/a", "page absente"))
            continue
        if t.status != 200:
            out.append(Row("4", t.label, f"HTTP {t.status}", t.url, "200", False))
            continue
        detail = f"médiane {t.median_ms:.0f} ms, {t.queries} requêtes SQL"
        if t.slowest:
            detail += f", la plus lente {t.slowest[0][0]:.0f} ms"
        ok = t.p95_ms <= PAGE_P95_MS
        if t.label in known_counts and known_counts[t.label] != t.queries:
            detail += f" (était {known_counts[t.label]})"
            ok = False
        out.append(Row("4", t.label, f"p95 {ms(t.p95_ms)}", detail, f"≤ {PAGE_P95_MS:.0f} ms", ok))
        base = baseline.get(t.label) if baseline else None
        by_size = ratio(t.p95_ms, base.p95_ms if base else None)
        what = f"  ÷ p95 à {size} logements"
        if baseline_dwellings <= 0:
            pass  # measured without a reference (the reference's own run)
        elif by_size is None:
            reason = "pas de mesure de référence" if baseline is None else "absente à cette taille"
            out.append(Row("4", what, "n/a", reason))
        else:
            ratio_detail = f"{ms(t.p95_ms)} / {ms(base.p95_ms)}"
            if t.median_ms is not None and base.median_ms is not None:
                # The reference's medians are printed nowhere else (its child prints no table).
                ratio_detail += f" (médianes {ms(t.median_ms)} / {ms(base.median_ms)})"
            if t.label == HEALTH:
                out.append(Row("4", what, f"{by_size:.2f}", ratio_detail + " (pour information)"))
            else:
                target = f"≤ {SIZE_RATIO}"
                out.append(
                    Row("4", what, f"{by_size:.2f}", ratio_detail, target, by_size <= SIZE_RATIO)
                )
        if t.label == HEALTH:
            continue
        floor = t.health_p95_ms or health  # the one measured just before the page
        by_health = ratio(t.p95_ms, floor)
        if by_health is None:
            out.append(Row("4", "  ÷ p95 de /sante/", "n/a", "/sante/ non mesurée"))
        else:
            out.append(
                Row(
                    "4",
                    "  ÷ p95 de /sante/",
                    f"{by_health:.1f}",
                    f"{ms(t.p95_ms)} / {ms(floor)}"
                    + (" (mesurée juste avant)" if t.health_p95_ms else ""),
                    f"≤ {HEALTH_RATIO:.0f}",
                    by_health <= HEALTH_RATIO,
                )
            )
    return out


def slowest_queries(timings: list[PageTiming], title: str) -> str:
    """A text listing, per page, its three slowest queries (for EXPLAIN ANALYZE)."""
    out = [title, ""]
    for t in timings:
        if not t.slowest:
            continue
        out.append(f"## {t.label} — {t.url} — p95 {t.p95_ms:.0f} ms, {t.queries} requêtes")
        for ms, sql in t.slowest:
            out.append(f"-- {ms:.1f} ms")
            out.append(sql + ";")
        out.append("")
    return "\n".join(out)
