"""`make loadtest`: gunicorn (2 workers, 127.0.0.1 only) on the bench data, driven by Locust.

Steps: check the bench data is there, open one session per role,
resolve the pages of each role (each checked once with Django's test client), start gunicorn on
a free port of 127.0.0.1, run Locust headless (50 users, 60 s), print the figures, stop
gunicorn. Exits 1 when a request failed.
"""

import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
USERS = int(os.environ.get("LOADTEST_USERS", "50"))
DURATION = os.environ.get("LOADTEST_TIME", "60s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(config_path: Path) -> None:
    """Sessions and URLs per role, from the bench database (Django loaded in this process)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "brest_internet.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone

    from brest_internet.bench.generate import PREFIX, ROLES
    from brest_internet.bench.measure import PAGES, _subjects, _url
    from brest_internet.middleware import STARTED_KEY
    from neighborhoods.models import User

    users = {u.role: u for u in User.objects.filter(username__startswith=f"{PREFIX}-")}
    if set(users) != set(ROLES):
        raise SystemExit("No bench data in this database: run `make bench` first.")
    subjects = _subjects()
    # The first bench neighbourhood is in the scope of every persona; use its objects.
    extra = [
        ("votes (résultats)", [("votes:results", None)]),
        ("ateliers", [("support:session_list", None)]),
        ("foyers", [("support:household_list", None)]),
        ("conseil juridique", [("support:advice_list", None)]),
        ("accueil", [("home", None)]),
    ]
    urls = [(label, _url(c, subjects)) for label, c in PAGES + extra]
    urls = [(label, url) for label, url in urls if url]
    roles = {}
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    storages = {**settings.STORAGES, "staticfiles": static}
    with override_settings(
        ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False, STORAGES=storages
    ):
        for role in ROLES:
            user = users[role]
            client = Client()
            client.force_login(user)
            pages = []
            for label, url in urls:
                status = client.get(url).status_code
                if status == 200:
                    pages.append((label, url))
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session[STARTED_KEY] = timezone.now().timestamp()
            session.set_expiry(4 * 3600)
            session.create()
            roles[role] = {"session": session.session_key, "pages": pages}
            print(f"{role}: {len(pages)} pages — " + ", ".join(label for label, _ in pages))
    config = {"cookie_name": settings.SESSION_COOKIE_NAME, "roles": roles}
    config_path.write_text(json.dumps(config, ensure_ascii=False))


def wait_up(base: str, proc) -> None:
    for _ in range(100):
        if proc.poll() is not None:
            raise SystemExit("gunicorn stopped at start-up")
        try:
            with urllib.request.urlopen(base + "/sante/", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer")


def figures(stats_csv: Path) -> int:
    rows = list(csv.DictReader(stats_csv.open(encoding="utf-8")))
    app = [r for r in rows if r["Name"] not in ("health", "Aggregated")]
    health = next((r for r in rows if r["Name"] == "health"), None)
    total = next(r for r in rows if r["Name"] == "Aggregated")
    requests = sum(int(r["Request Count"]) for r in app)
    failures = sum(int(r["Failure Count"]) for r in app)
    rps = sum(float(r["Requests/s"]) for r in app)

    def weighted(col):
        return sum(float(r[col]) * int(r["Request Count"]) for r in app) / max(requests, 1)

    print()
    print(f"{'page':<42} {'req':>6} {'err':>4} {'médiane':>8} {'p95':>6}")
    for r in sorted(app, key=lambda r: r["Name"]):
        print(
            f"{r['Name'][:42]:<42} {r['Request Count']:>6} {r['Failure Count']:>4} "
            f"{r['50%']:>6}ms {r['95%']:>4}ms"
        )
    print()
    print(f"Pages : {requests} requêtes, {rps:.1f} req/s, erreurs {failures}")
    print(
        f"  latence médiane (moyenne pondérée des pages) {weighted('50%'):.0f} ms, "
        f"p95 {weighted('95%'):.0f} ms ; toutes requêtes : médiane {total['50%']} ms, "
        f"p95 {total['95%']} ms, {float(total['Requests/s']):.1f} req/s"
    )
    if health:
        h50, h95 = float(health["50%"]), float(health["95%"])
        print(
            f"/sante/ : {health['Request Count']} requêtes, erreurs {health['Failure Count']}, "
            f"médiane {h50:.0f} ms, p95 {h95:.0f} ms"
        )
        ratio = float(total["50%"]) / h50 if h50 else float("inf")
        print(f"Rapport médiane (toutes requêtes) / médiane /sante/ : {ratio:.1f}")
        failures += int(health["Failure Count"])
    print(f"Erreurs : {failures} (cible : 0)")
    return failures


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="loadtest-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(work / "static"),
        "LOADTEST_CONFIG": str(work / "config.json"),
    }
    os.environ.update({k: env[k] for k in ("STATIC_ROOT", "LOADTEST_CONFIG")})
    # Pages only: static files are not requested, so the plain storage (no manifest, no
    # collectstatic) is enough; TESTING=1 selects it.
    env["TESTING"] = "1"
    prepare(work / "config.json")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "brest_internet.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_up(base, gunicorn)
        print(f"gunicorn (2 workers) sur {base} ; Locust : {USERS} utilisateurs, {DURATION}")
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "loadtest" / "locustfile.py"),
                "--headless",
                "-u",
                str(USERS),
                "-r",
                "10",
                "-t",
                DURATION,
                "--host",
                base,
                "--csv",
                str(work / "stats"),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=600,
        )
    finally:
        gunicorn.terminate()
        try:
            gunicorn.wait(timeout=20)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
    return 1 if figures(work / "stats_stats.csv") else 0


if __name__ == "__main__":
    sys.exit(main())
