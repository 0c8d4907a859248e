"""`make loadtest`: two app servers and two job workers on one PostgreSQL, driven by Locust.

On the bench database (DATABASE_URL=postgres://…, filled by `manage.py bench`; any other data
is refused, since the test bills every neighbourhood):

1. one logged-in session per role (second factor passed), the pages of each role;
2. two gunicorn servers (2 processes each) on two free ports of 127.0.0.1 and two
   Procrastinate workers (`manage.py procrastinate worker`);
3. Locust, headless, LOADTEST_USERS (50) users spread over both servers for LOADTEST_TIME
   (60 s): first on a quiet programme, then while the charge run of the current month for the
   whole programme runs as a background job, queued through the app's job runner
   (subscriptions.tasks.charges_generate_defer) and picked up by one of the workers;
4. the figures: errors (target 0), each page's p95 without and during the run, their ratio
   (target ≤ 2), and when the job ran.

Every process it started is stopped at the end, whatever happens (an error, Ctrl-C, SIGTERM).
Exits 1 when a request failed or a ratio is beyond its target.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import signal
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
RATIO = 2.0
SERVERS = 2
WORKERS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "brest_internet.settings")
    import django

    django.setup()


def prepare(config_path: Path) -> None:
    """Sessions and URLs per role, from the bench database (Django loaded in this process)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import timezone

    from brest_internet.bench.generate import PREFIX, ROLES, foreign_rows
    from brest_internet.bench.pages import (
        HEALTH,
        PAGES,
        SETTINGS,
        logged_in_client,
        subjects,
        url_of,
    )
    from brest_internet.bench.pages import verify as verify_second_factor
    from brest_internet.common.sessions import STARTED_KEY
    from neighborhoods.models import User

    if connection.vendor != "postgresql":
        raise SystemExit("The load test needs PostgreSQL (DATABASE_URL=postgres://…/h_bench).")
    foreign = foreign_rows()
    if foreign:
        raise SystemExit(
            "This database holds data the benchmark did not write ("
            + ", ".join(foreign)
            + "): the load test bills every neighbourhood, run it on the bench database only."
        )
    users = {u.role: u for u in User.objects.filter(username__startswith=f"{PREFIX}-")}
    if set(users) != set(ROLES):
        raise SystemExit("No bench data in this database: run `make bench` first.")
    found = subjects()
    extra = [
        ("votes (résultats)", [("votes:results", None)]),
        ("ateliers", [("support:session_list", None)]),
        ("foyers", [("support:household_list", None)]),
        ("accueil", [("home", None)]),
    ]
    urls = [(label, url_of(c, found)) for label, c in PAGES + extra if label != HEALTH]
    urls = [(label, url) for label, url in urls if url]
    roles = {}
    with override_settings(**SETTINGS):
        for role in ROLES:
            user = users[role]
            client = logged_in_client(user)
            pages = [(label, url) for label, url in urls if client.get(url).status_code == 200]
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session[STARTED_KEY] = timezone.now().timestamp()
            verify_second_factor(session, user)
            session.set_expiry(4 * 3600)
            session.create()
            roles[role] = {"session": session.session_key, "pages": pages}
            print(f"{role}: {len(pages)} pages — " + ", ".join(label for label, _ in pages))
    config = {"cookie_name": settings.SESSION_COOKIE_NAME, "roles": roles}
    config_path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")


class Processes:
    """Children started in their own process groups, stopped together (gunicorn's workers too)."""

    def __init__(self):
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], env: dict, log: Path) -> subprocess.Popen:
        out = log.open("w", encoding="utf-8")
        proc = subprocess.Popen(  # noqa: S603 — our own executables, arguments built here
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.started.append((name, proc))
        return proc

    def stop_all(self) -> None:
        for _name, proc in self.started:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for name, proc in self.started:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"{name} ne s'arrête pas : SIGKILL")
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.started.clear()


def wait_up(base: str, proc) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn on {base} stopped at start-up")
        try:
            with urllib.request.urlopen(base + "/sante/", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn on {base} did not answer")


def locust(work: Path, hosts: list[str], env: dict, prefix: str) -> Path:
    subprocess.run(  # noqa: S603
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
            hosts[0],
            "--csv",
            str(work / prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ],
        cwd=ROOT,
        env={**env, "LOADTEST_HOSTS": ",".join(hosts)},
        check=True,
        timeout=900,
    )
    return work / f"{prefix}_stats.csv"


def read_stats(path: Path) -> dict[str, dict]:
    return {r["Name"]: r for r in csv.DictReader(path.open(encoding="utf-8"))}


def compare(quiet: dict[str, dict], busy: dict[str, dict], ratio_target: float = RATIO):
    """Per page: (name, requests, errors, p95 quiet, p95 busy, ratio, ok), and the totals.

    Locust's p95 is in milliseconds; a page not requested in one phase gets no ratio (None).
    """
    lines = []
    errors = 0
    for name in sorted(set(quiet) | set(busy)):
        if name == "Aggregated":
            continue
        a, b = quiet.get(name), busy.get(name)
        count = sum(int(r["Request Count"]) for r in (a, b) if r)
        failed = sum(int(r["Failure Count"]) for r in (a, b) if r)
        errors += failed
        before = float(a["95%"]) if a and int(a["Request Count"]) else None
        during = float(b["95%"]) if b and int(b["Request Count"]) else None
        ratio = during / before if before and during is not None else None
        ok = None if ratio is None else ratio <= ratio_target
        lines.append((name, count, failed, before, during, ratio, ok))
    return lines, errors


def report(lines, errors: int, job: dict, quiet: dict, busy: dict) -> bool:
    def ms(value):
        return "—" if value is None else f"{value:.0f}"

    width = max([len(n) for n, *_ in lines] + [20])
    print()
    print(
        f"{'page':<{width}} {'req':>6} {'err':>4} {'p95 sans':>9} {'p95 pendant':>12} "
        f"{'rapport':>8}"
    )
    missed = 0
    for name, count, failed, before, during, ratio, ok in lines:
        verdict = "" if ok is None else ("ok" if ok else "MISSED")
        missed += ok is False
        shown = "—" if ratio is None else f"{ratio:.2f}"
        print(
            f"{name:<{width}} {count:>6} {failed:>4} {ms(before):>7}ms {ms(during):>10}ms "
            f"{shown:>8} {verdict}"
        )
    for label, stats in (("sans facturation", quiet), ("pendant la facturation", busy)):
        total = stats.get("Aggregated")
        if total:
            print(
                f"Toutes requêtes, {label} : {total['Request Count']} requêtes, "
                f"{float(total['Requests/s']):.1f} req/s, médiane {total['50%']} ms, "
                f"p95 {total['95%']} ms, erreurs {total['Failure Count']}"
            )
    a, b = quiet.get("Aggregated"), busy.get("Aggregated")
    if a and b and float(a["95%"]):
        print(f"Rapport des p95, toutes requêtes : {float(b['95%']) / float(a['95%']):.2f}")
    print(job["summary"])
    print(f"Erreurs : {errors} (cible : 0)")
    print(f"Pages au-delà de {RATIO:g}× leur p95 sans facturation : {missed} (cible : 0)")
    return errors == 0 and missed == 0


def forget_current_month() -> datetime.date:
    """Un-bill the current month (bench database only) so that the job has it all to write."""
    from brest_internet.bench.generate import Plan
    from brest_internet.bench.measure import _forget_month

    month = Plan(1, 0).current_month
    _forget_month(month, vacuum=False)
    return month


def queue_charge_run(month) -> int:
    from brest_internet.bench.measure import coordinator
    from subscriptions.tasks import charges_generate_defer

    job = charges_generate_defer(month=month, by=coordinator(), landlord=None, inline=False)
    return job.pk


def job_state(job_id: int):
    from django.db import close_old_connections

    from brest_internet.jobs.models import Job

    close_old_connections()
    return Job.objects.get(pk=job_id)


def wait_job(job_id: int, states: set[str], timeout: float):
    deadline = time.monotonic() + timeout
    while True:
        job = job_state(job_id)
        if job.state in states or time.monotonic() > deadline:
            return job
        time.sleep(1)


def main() -> int:
    django_setup()
    from django.conf import settings

    from brest_internet.jobs.models import Job

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
        # Pages only: static files are not requested, so the plain storage (no manifest, no
        # collectstatic) is enough; TESTING=1 selects it.
        "TESTING": "1",
    }
    database = settings.DATABASES["default"]["NAME"]
    prepare(work / "config.json")
    processes = Processes()

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        hosts = []
        for i in range(SERVERS):
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            command = [str(BIN / "gunicorn"), "brest_internet.wsgi", "--workers", "2"]
            command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
            proc = processes.start(f"gunicorn {i + 1}", command, env, work / f"gunicorn{i + 1}.log")
            wait_up(base, proc)
            hosts.append(base)
        for i in range(WORKERS):
            command = [sys.executable, str(ROOT / "manage.py"), "procrastinate", "worker"]
            command += ["--name", f"loadtest-{i + 1}"]
            processes.start(f"worker {i + 1}", command, env, work / f"worker{i + 1}.log")
        print(
            f"{SERVERS} serveurs gunicorn (2 processus chacun) sur {', '.join(hosts)}, "
            f"{WORKERS} workers Procrastinate, base {database} ; Locust : {USERS} utilisateurs, "
            f"{DURATION} par phase"
        )
        print("Phase 1 : sans facturation…", flush=True)
        quiet = read_stats(locust(work, hosts, env, "quiet"))

        print("Phase 2 : facturation du mois pour tout le programme, en tâche de fond…", flush=True)
        started = time.monotonic()
        month = forget_current_month()
        print(f"  mois {month:%Y-%m} défacturé en {time.monotonic() - started:.0f} s")
        job_id = queue_charge_run(month)
        job = wait_job(job_id, {Job.State.RUNNING, Job.State.SUCCEEDED, Job.State.FAILED}, 300)
        if job.state != Job.State.RUNNING:
            raise SystemExit(f"The charge run's job is {job.state}, not running: {job.error}")
        locust_from = time.time()
        busy = read_stats(locust(work, hosts, env, "busy"))
        locust_to = time.time()
        job = wait_job(job_id, {Job.State.SUCCEEDED, Job.State.FAILED}, 1800)
    finally:
        processes.stop_all()
        print(f"Processus arrêtés ; journaux dans {work}")
    if job.finished_at:
        ran_to = job.finished_at.timestamp()
        overlap = max(0.0, min(ran_to, locust_to) - max(job.started_at.timestamp(), locust_from))
        length = (job.finished_at - job.started_at).total_seconds()
        summary = (
            f"Tâche de facturation n° {job.pk} : {job.state}, {job.lines_done:n} lignes en "
            f"{length:.0f} s, dont {overlap:.0f} s sur les {locust_to - locust_from:.0f} s de "
            f"Locust ; {job.result or job.error}"
        )
    else:
        summary = f"Tâche de facturation n° {job.pk} : {job.state} (non terminée)"
    lines, errors = compare(quiet, busy)
    ok = report(lines, errors, {"summary": summary}, quiet, busy)
    return 0 if ok and job.state == Job.State.SUCCEEDED else 1


if __name__ == "__main__":
    sys.exit(main())
