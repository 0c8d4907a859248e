"""RGAA 8.2: the HTML of the app's pages is valid, as the W3C's Nu Html Checker (vnu) says.

Every page of the permission matrix that a persona may open (GET answered 200 with HTML) is
rendered with the test client in the matrix's world, for each persona with pages of its own,
plus the error pages and a few forms in error; the checker reads them all in one run, and any
error fails the test, except the known ones of KNOWN_ERRORS (templates of other apps, listed
with their file so that they get fixed there; the test also fails when one of them is gone, so
that the list shrinks). Django's admin is not in the sample (RGAA self-assessment).

A second run reads the demo as its personas reach it: `tests/crawler.py` follows every link
from the home page and the site map, a few pages per URL name, and sends each page's forms back
empty with their errors; the demo's pages carry many objects of a kind at once (several forms
on one page), which the matrix's small world does not.

The checker is the npm package `vnu-jar`, pinned and checked by its SHA-256: `npm pack`
fetches it once into ~/.cache/brest-internet (VNU_JAR may point to a vnu.jar instead). It needs
Java 11 or later. Without `java` the test is skipped, unless REQUIRE_BROWSER=1 (as in CI),
where it fails; failing to get the checker always fails.
"""

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from tests.crawler import Crawl, crawl
from tests.matrix import OK
from tests.test_permission_matrix import MATRIX, MODULES

VNU_VERSION = "26.9.27"
VNU_SHA256 = "22f15dd39a33bed929d2a5c0cddf5946849a647eca9272bf4d5d00bc7e7a4d47"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "brest-internet"

# The personas whose pages differ (the "other" centre and association see the same templates).
PERSONAS = ("anonymous", "coordinator", "landlord", "centre", "association")

# Errors known and not fixed yet: (URL name, start of vnu's message) -> where. Empty since the
# six errors first found were fixed (1 December 2026); the test fails while a line has no match.
KNOWN_ERRORS: dict[tuple[str, str], str] = {}


class CheckerUnavailable(Exception):
    pass


def java_or_skip():
    java = shutil.which("java")
    if java:
        return java
    reason = (
        "no `java` on this machine: the Nu Html Checker needs Java 11 or later "
        "(apt-get install default-jre-headless)"
    )
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " (REQUIRE_BROWSER=1)")
    pytest.skip(reason)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def vnu_jar() -> Path:
    """The pinned vnu.jar: $VNU_JAR, else the cached copy, else fetched with `npm pack`."""
    if os.environ.get("VNU_JAR"):
        return Path(os.environ["VNU_JAR"])
    jar = CACHE / f"vnu-{VNU_VERSION}.jar"
    if jar.exists() and sha256(jar) == VNU_SHA256:
        return jar
    npm = shutil.which("npm")
    if npm is None:
        raise CheckerUnavailable(
            f"cannot fetch vnu-jar@{VNU_VERSION}: no `npm` (apt-get install npm), "
            "or set VNU_JAR to a vnu.jar"
        )
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        done = subprocess.run(
            [npm, "pack", f"vnu-jar@{VNU_VERSION}", "--pack-destination", tmp, "--silent"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            raise CheckerUnavailable(f"npm pack vnu-jar@{VNU_VERSION} failed: {done.stderr}")
        [archive] = Path(tmp).glob("*.tgz")
        with tarfile.open(archive) as tar:
            source = tar.extractfile("package/build/dist/vnu.jar")
            fetched = Path(tmp) / "vnu.jar"
            fetched.write_bytes(source.read())
        if sha256(fetched) != VNU_SHA256:
            raise CheckerUnavailable(
                f"vnu-jar@{VNU_VERSION}: vnu.jar's SHA-256 is not the pinned one"
            )
        fetched.replace(jar)  # atomic: a concurrent run sees the whole file or none
    return jar


def validate(files: list[Path]) -> list[dict]:
    """vnu's errors (not its warnings) on `files`, in one run of the checker."""
    java = java_or_skip()
    try:
        jar = vnu_jar()
    except CheckerUnavailable as exc:
        pytest.fail(str(exc))
    done = subprocess.run(
        [java, "-jar", str(jar), "--format", "json", "--errors-only", "--exit-zero-always"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        report = json.loads(done.stderr or done.stdout)  # vnu writes its report on stderr
    except ValueError:
        pytest.fail(f"the Nu Html Checker did not answer ({done.returncode}): {done.stderr[:2000]}")
    return [m for m in report["messages"] if m["type"] in ("error", "non-document-error")]


def render_pages(world, cast, client_for) -> list[tuple[str, str, str, str]]:
    """(persona, URL name, path, HTML) of every page the matrix's personas may open."""
    pages = []
    for name, row in sorted(MATRIX.items()):
        if name.startswith("admin:"):
            continue
        params = row.kwargs(world)
        url = (
            reverse(name, args=params) if isinstance(params, list) else reverse(name, kwargs=params)
        )
        for persona in PERSONAS:
            expected = row.get[persona]
            if callable(expected):
                expected = expected(cast[persona])
            if expected != OK:
                continue
            with transaction.atomic():
                response = client_for(cast[persona]).get(url)
                transaction.set_rollback(True)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                pages.append((persona, name, url, response.content.decode()))
    return pages


def render_error_states(world, cast, client_for) -> list[tuple[str, str, str, str]]:
    """Error pages and forms shown back with their errors."""
    anonymous, centre = client_for(None), client_for(cast["centre"])
    states = [
        ("anonymous", "404", "/nulle-part/", anonymous.get("/nulle-part/")),
        ("centre", "403", reverse("votes:list"), centre.get(reverse("votes:list"))),
        (
            "anonymous",
            "login",
            reverse("login"),
            anonymous.post(reverse("login"), {"username": "x"}),
        ),
        (
            "anonymous",
            "votes:ballot",
            reverse("votes:ballot"),
            anonymous.post(reverse("votes:ballot"), {"code": "x"}),
        ),
        (
            "centre",
            "subscriptions:create",
            reverse("subscriptions:create"),
            centre.post(reverse("subscriptions:create"), {"dwelling": ""}),
        ),
        (
            "landlord",
            "subscriptions:charges_export_confirm",
            reverse("subscriptions:charges_export_confirm", args=[world.charge_month.slug]),
            client_for(cast["landlord"]).get(
                reverse("subscriptions:charges_export_confirm", args=[world.charge_month.slug])
            ),
        ),
    ]
    states += _week_of_use_states(world, cast, client_for)
    return [(p, n, u, r.content.decode()) for p, n, u, r in states]


def _week_of_use_states(world, cast, client_for):
    """The pages of "a week of real use": a household search with its matches, the ballot's
    question step, a reissued code's letter, and the certification refused to landlord staff."""
    from neighborhoods.models import User
    from tests.votes.factories import VoteFactory, occupied_dwellings
    from votes import services
    from votes.models import Vote

    centre, landlord = client_for(cast["centre"]), client_for(cast["landlord"])
    choose = reverse("support:household_choose") + "?pour=aide-a-domicile&foyer=Famille"
    session = world.support.session.get_absolute_url() + "?foyer=Famille"
    certify = reverse("votes:certify", args=[world.vote.pk])
    online = VoteFactory(method=Vote.Method.ONLINE)
    occupied_dwellings(online.neighbourhood, 2)
    online = services.roll_freeze(vote=online, by=User.objects.system())
    (entry, code), (other, _code) = services.codes_generate(vote=online, by=User.objects.system())
    reissue = reverse("votes:code_reissue", args=[online.pk])
    coordinator = client_for(cast["coordinator"])
    ballot = reverse("votes:ballot")
    return [
        ("centre", "support:household_choose", choose, centre.get(choose)),
        ("centre", "support:session_detail", session, centre.get(session)),
        ("landlord", "votes:certify", certify, landlord.get(certify)),
        ("anonymous", "votes:ballot", ballot, client_for(None).post(ballot, {"code": code})),
        (
            "anonymous",
            "votes:ballot",
            ballot,
            client_for(None).post(ballot, {"code": code, "step": "choice"}),
        ),
        (
            "coordinator",
            "votes:code_reissue",
            reissue,
            coordinator.post(reissue, {"reference": other.reference, "confirm": "on"}),
        ),
        (
            "coordinator",
            "votes:code_reissue",
            reissue,
            coordinator.post(reissue, {"reference": "?"}),
        ),
    ]


@pytest.fixture
def matrix_world(world):
    for module in MODULES:
        populate = getattr(module, "populate", None)
        if populate:
            populate(world)
    return world


def describe(error, page):
    persona, name, url, _html = page
    return (
        f"{persona} {url} ({name}), line {error.get('lastLine', '?')}: {error['message']}"
        f"\n    {error.get('extract', '').strip()}"
    )


def test_every_page_is_valid_html(matrix_world, cast, client_for, tmp_path):
    pages = render_pages(matrix_world, cast, client_for)
    pages += render_error_states(matrix_world, cast, client_for)
    assert len(pages) > 60, f"only {len(pages)} pages rendered: is the matrix's world empty?"
    files = {}
    for i, page in enumerate(pages):
        path = tmp_path / f"{i:03d}.html"
        path.write_text(page[3], encoding="utf-8")
        files[path.name] = page
    errors = validate(sorted(tmp_path.glob("*.html")))
    unexpected, seen = [], set()
    for error in errors:
        page = files.get(error.get("url", "").rsplit("/", 1)[-1])
        if page is None:
            unexpected.append(f"{error.get('url')}: {error['message']}")
            continue
        known = next(
            (k for k in KNOWN_ERRORS if k[0] == page[1] and error["message"].startswith(k[1])),
            None,
        )
        if known:
            seen.add(known)
        else:
            unexpected.append(describe(error, page))
    assert not unexpected, f"{len(unexpected)} HTML error(s):\n" + "\n".join(unexpected)
    gone = sorted(set(KNOWN_ERRORS) - seen)
    assert not gone, f"known errors no longer found (remove them from KNOWN_ERRORS): {gone}"


def test_the_checker_reports_invalid_html(tmp_path):
    """The check is real: a duplicate id and a stray end tag are errors."""
    page = tmp_path / "invalid.html"
    page.write_text(
        '<!doctype html><html lang="fr"><head><title>t</title></head>'
        '<body><p id="a">x</p><p id="a">y</p></div></body></html>',
        encoding="utf-8",
    )
    messages = [e["message"] for e in validate([page])]
    assert any("Duplicate ID" in m for m in messages), messages
    assert any("Stray end tag" in m for m in messages), messages


# The demo's accounts (load_brest_demo), by the matrix's persona names.
DEMO_LOGINS = {
    "anonymous": None,
    "coordinator": "coordinatrice",
    "landlord": "bailleur",
    "centre": "animateur",
    "association": "association",
}


@pytest.fixture
def demo(db, settings):
    settings.DEMO_PASSWORD = "demo-mot-de-passe-de-test"
    call_command("load_brest_demo", stdout=io.StringIO())


def test_every_page_reached_on_the_demo_is_valid_html(demo, client_for, tmp_path):
    """Every page each demo persona reaches by links, and its forms sent back empty with their
    errors, in one run of the checker (the demo has many objects of a kind on one page, where
    the matrix's small world has one: repeated ids show there)."""
    from neighborhoods.models import User

    result = Crawl()
    for persona, username in DEMO_LOGINS.items():
        user = User.objects.get(username=username) if username else None
        start = ["/", reverse("sitemap")]
        if user is None:
            start += [reverse("login"), reverse("votes:ballot")]
        crawl(client_for(user), persona, start=start, crawl_result=result)
    assert not result.server_errors, "server errors:\n" + "\n".join(result.server_errors)
    names = {page.name for page in result.pages}
    assert len(result.pages) > 100, f"only {len(result.pages)} pages reached"
    assert any(name.endswith("(POST)") for name in names), "no form sent back in error"
    files = {}
    for i, page in enumerate(result.pages):
        path = tmp_path / f"{i:04d}.html"
        path.write_text(page.html, encoding="utf-8")
        files[path.name] = (page.persona, page.name, page.url, page.html)
    errors = validate(sorted(tmp_path.glob("*.html")))
    found = []
    for error in errors:
        page = files.get(error.get("url", "").rsplit("/", 1)[-1])
        found.append(describe(error, page) if page else f"{error.get('url')}: {error['message']}")
    assert not found, f"{len(found)} HTML error(s):\n" + "\n".join(found)
