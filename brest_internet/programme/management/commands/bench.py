"""`manage.py bench`: a synthetic programme at national size, then one table of measurements.

It writes into the configured database and refuses one that holds anything it did not write
itself (every bench row is prefixed "bench"): give it its own database, for example
DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench. Data of the same size is reused; a
different size (or --rebuild) empties the bench database and generates it again.
"""

import datetime
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from brest_internet.bench import generate, measure
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

    def progress(self, message):
        self.stdout.write(f"[{datetime.datetime.now():%H:%M:%S}] {message}")
        self.stdout.flush()

    def handle(self, *args, **options):
        if options["dwellings"] < 1 or options["months"] < 1:
            raise CommandError("--dwellings and --months must be positive.")
        foreign = generate.foreign_rows()
        if foreign:
            raise CommandError(
                "This database holds data the benchmark did not write ("
                + ", ".join(foreign)
                + "). The benchmark bills every running neighbourhood: run it on a database of "
                "its own, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench "
                "(createdb, then manage.py migrate)."
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
        rows: list[Row] = []
        rows += measure.charge_run(plan, self.progress)
        rows += measure.export(plan, self.progress)
        rows += measure.pages(
            plan, self.progress, repeat=options["repeat"], counts_file=options["counts"]
        )
        rows += measure.register_import(plan, self.progress, size=options["import_rows"])
        title = (
            f"Banc d'essai — {vendor}, {plan.dwellings:n} logements, {len(plan.sizes())} "
            f"quartiers, {plan.months} mois de charges"
        )
        self.stdout.write(render(rows, title))
        failures = missed(rows)
        if failures:
            self.stdout.write(f"Cibles manquées : {len(failures)}.")
        if options["check"] and failures:
            sys.exit(1)
