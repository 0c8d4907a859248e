"""`manage.py bench`: a synthetic programme at national size, then one table of measurements.

It writes into the configured database and refuses one that holds anything it did not write
itself (every bench row is prefixed "bench"): give it its own database, for example
DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench. Data of the same size is reused; a
different size (or --rebuild) empties the bench database and generates it again.

The pages are also measured, in the same run, on a second bench database of 10 000 dwellings
(--baseline-dwellings, --baseline-database; see brest_internet/bench/baseline.py), and each
page's p95 is divided by that one and by the p95 of /sante/.
"""

import contextlib
import datetime
import json
import sys
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from brest_internet.bench import baseline, generate, measure, pages
from brest_internet.bench.table import Row, missed, render


class Command(BaseCommand):
    help = "Builds a synthetic programme in the configured (bench-only) database and measures it."

    def add_arguments(self, parser):
        parser.add_argument("--dwellings", type=int, default=100_000)
        parser.add_argument("--months", type=int, default=24)
        parser.add_argument("--repeat", type=int, default=20, help="requests per page")
        parser.add_argument("--import-rows", type=int, default=10_000)
        parser.add_argument(
            "--counts",
            metavar="FILE",
            help="query counts per page: written when absent, compared with when present",
        )
        parser.add_argument("--rebuild", action="store_true", help="regenerate the data")
        parser.add_argument("--generate-only", action="store_true")
        parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
        parser.add_argument(
            "--baseline-dwellings",
            type=int,
            default=pages.BASELINE_DWELLINGS,
            help="size of the reference programme the pages are compared with (0: none)",
        )
        parser.add_argument(
            "--baseline-database",
            metavar="URL",
            help="its database (default: this one's name with _small, created when missing)",
        )
        parser.add_argument(
            "--pages-only", action="store_true", help="measure the pages only (no charge run)"
        )
        parser.add_argument("--json", metavar="FILE", help="write the pages' timings as JSON")
        parser.add_argument(
            "--serve",
            action="store_true",
            help="(the reference's child process) measure the page named on each line of stdin",
        )
        parser.add_argument(
            "--queries", metavar="FILE", help="write each page's slowest SQL (for EXPLAIN)"
        )

    def progress(self, message):
        self.stdout.write(f"[{datetime.datetime.now():%H:%M:%S}] {message}")
        self.stdout.flush()

    def handle(self, *args, **options):
        if options["dwellings"] < 1 or options["months"] < 1:
            raise CommandError("--dwellings and --months must be positive.")
        # A database just created (createdb) is migrated here, as the baseline's is.
        call_command("migrate", "--noinput", verbosity=0)
        foreign = generate.foreign_rows()
        if foreign:
            raise CommandError(
                "This database holds data the benchmark did not write ("
                + ", ".join(foreign)
                + "). The benchmark bills every running neighbourhood: run it on a database of "
                "its own, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench "
                "(createdb bench)."
            )
        plan = generate.Plan(dwellings=options["dwellings"], months=options["months"])
        vendor = connection.vendor
        started = time.monotonic()
        if options["rebuild"] or not generate.existing_matches(plan):
            if not generate.is_empty():
                generate.wipe(self.progress)
            self.progress(
                f"Génération : {plan.dwellings:n} logements, {len(plan.sizes())} quartiers, "
                f"{plan.months} mois de charges ({plan.first_month:%Y-%m} → "
                f"{plan.billed_months[-1]:%Y-%m}) sur {vendor}"
            )
            generate.build(plan, self.progress)
            self.progress(f"Génération terminée en {time.monotonic() - started:.0f} s")
        else:
            self.progress("Données du banc déjà présentes à cette taille : réutilisées.")
        if options["generate_only"]:
            return
        if options["serve"]:
            measurer = pages.Measurer(measure.coordinator(), repeat=options["repeat"])
            baseline.serve(measurer, write=self.stdout)
            return
        rows: list[Row] = []
        if not options["pages_only"]:
            rows += measure.charge_run(plan, self.progress)
            rows += measure.export(plan, self.progress)
        with self.reference(plan, options) as reference:
            self.progress(f"Mesure : pages ({options['repeat']} requêtes chacune)…")
            timings = pages.measure(
                measure.coordinator(),
                repeat=options["repeat"],
                before=reference.measure if reference else None,
            )
        reference = reference.timings if reference else None
        counts_file = options["counts"]
        known = {}
        if counts_file and Path(counts_file).exists():
            known = json.loads(Path(counts_file).read_text(encoding="utf-8"))
        rows += pages.rows(
            timings,
            baseline=reference,
            baseline_dwellings=options["baseline_dwellings"],
            known_counts=known,
        )
        if counts_file and not known:
            counts = {t.label: t.queries for t in timings if t.queries is not None}
            Path(counts_file).write_text(
                json.dumps(counts, indent=1, ensure_ascii=False), encoding="utf-8"
            )
        if not options["pages_only"]:
            rows += measure.register_import(plan, self.progress, size=options["import_rows"])
        title = (
            f"Banc d'essai — {vendor}, {plan.dwellings:n} logements, {len(plan.sizes())} "
            f"quartiers, {plan.months} mois de charges"
        )
        if options["json"]:
            data = {"dwellings": plan.dwellings, "vendor": vendor}
            data["pages"] = [t.as_json() for t in timings]
            Path(options["json"]).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        if options["queries"]:
            Path(options["queries"]).write_text(
                pages.slowest_queries(timings, title), encoding="utf-8"
            )
        self.stdout.write(render(rows, title))
        failures = missed(rows)
        if failures:
            self.stdout.write(f"Cibles manquées : {len(failures)}.")
        if options["check"] and failures:
            sys.exit(1)

    @contextlib.contextmanager
    def reference(self, plan, options):
        """The reference size's pages (`baseline.Reference`, on the second bench database),
        each measured just before the same page here; None without a reference."""
        size = options["baseline_dwellings"]
        if size <= 0:
            yield None
            return
        if size >= plan.dwellings:
            self.progress(
                f"Pas de mesure de référence : {plan.dwellings:n} logements ne dépassent pas "
                f"la taille de référence ({size:n})."
            )
            yield None
            return
        url = options["baseline_database"] or baseline.derive_url(connection.settings_dict)
        if not url:
            raise CommandError(
                "No database for the reference measurement: give --baseline-database URL "
                "(or --baseline-dwellings 0 to measure without it)."
            )
        if url.rsplit("/", 1)[1] == str(connection.settings_dict["NAME"]).rsplit("/", 1)[-1]:
            raise CommandError("--baseline-database must differ from the measured database.")
        self.progress(f"Mesure de référence : {size:n} logements, base {url.rsplit('/', 1)[1]}")
        try:
            with baseline.Reference(
                url,
                dwellings=size,
                months=plan.months,
                repeat=options["repeat"],
                echo=lambda line: self.stdout.write(f"    [{size:n}] {line}"),
            ) as reference:
                yield reference
        except baseline.BaselineError as exc:
            raise CommandError(str(exc)) from exc
