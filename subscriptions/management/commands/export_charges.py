"""`manage.py export_charges --month YYYY-MM --output FILE`: the month's lines as CSV.

The file is written as the rows come from the database (never the whole month in memory),
and the month is locked: it can no longer be regenerated, only corrected by adjustments.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from neighborhoods.models import Neighbourhood
from subscriptions.exports import charge_csv
from subscriptions.services import ChargeError, charge_month_export, parse_month

PROGRESS_EVERY = 50_000


class Command(BaseCommand):
    help = _(
        "Exporte les lignes de charge du mois en CSV (séparateur « ; ») et verrouille le mois."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help=_("Mois à exporter, AAAA-MM."))
        parser.add_argument(
            "--output", required=True, help=_("Fichier à écrire (« - » : sortie standard).")
        )

    def handle(self, *args, month, output, **options):
        try:
            month = parse_month(month)
            charge_month_export(month=month, by=None)
        except ChargeError as exc:
            raise CommandError(str(exc)) from exc
        out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8", newline="")  # noqa: SIM115
        progress = self.stderr if output == "-" else self.stdout
        lines = 0
        try:
            for chunk in charge_csv(month, Neighbourhood.objects.all()):
                out.write(chunk)
                lines += 1
                if lines % PROGRESS_EVERY == 0:
                    progress.write(_("  %(n)d lignes écrites…") % {"n": lines - 1})
        finally:
            if out is not sys.stdout:
                out.close()
        progress.write(
            self.style.SUCCESS(
                _("%(m)s exporté : %(n)d ligne(s) dans %(f)s ; le mois est verrouillé.")
                % {"m": month.strftime("%m/%Y"), "n": lines - 1, "f": output}
            )
        )
