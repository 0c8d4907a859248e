"""`manage.py export_charges --month YYYY-MM --landlord NAME --output FILE`: a landlord's lines.

The file is written as the rows come from the database (never the whole month in memory),
and the landlord's month is locked: its lines can no longer be regenerated, only corrected by
adjustments. The other landlords' months stay open. `--landlord` (name or id) may be left out
when only one landlord was billed that month.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from neighborhoods.models import Neighbourhood, Organisation
from subscriptions.exports import charge_csv
from subscriptions.models import LandlordMonth
from subscriptions.services import ChargeError, charge_month_export, parse_month

PROGRESS_EVERY = 50_000


class Command(BaseCommand):
    help = _(
        "Exporte les lignes de charge du mois en CSV (séparateur « ; ») et verrouille le mois."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help=_("Mois à exporter, AAAA-MM."))
        parser.add_argument(
            "--landlord",
            help=_("Bailleur dont le mois est exporté (nom ou identifiant)."),
        )
        parser.add_argument(
            "--output", required=True, help=_("Fichier à écrire (« - » : sortie standard).")
        )

    def landlord(self, month, value):
        billed = Organisation.objects.filter(
            pk__in=LandlordMonth.objects.filter(charge_month__month=month).values("landlord")
        ).order_by("name")
        if not billed.exists():
            raise CommandError(
                _("Le mois %(m)s n'a pas encore été généré : rien à exporter.")
                % {"m": month.strftime("%m/%Y")}
            )
        if value:
            query = billed.filter(name=value)
            if value.isdigit():
                query = billed.filter(pk=int(value))
            landlord = query.first()
            if landlord is None:
                raise CommandError(
                    _("Aucun bailleur « %(v)s » facturé en %(m)s (bailleurs : %(all)s).")
                    % {"v": value, "m": month.strftime("%m/%Y"), "all": self.names(billed)}
                )
            return landlord
        landlords = list(billed[:2])
        if len(landlords) != 1:
            raise CommandError(
                _("Indiquez --landlord : bailleurs facturés en %(m)s : %(all)s.")
                % {"m": month.strftime("%m/%Y"), "all": self.names(billed)}
            )
        return landlords[0]

    @staticmethod
    def names(landlords):
        return ", ".join(f"{o.name} ({o.pk})" for o in landlords) or "—"

    def handle(self, *args, month, output, landlord=None, **options):
        try:
            month = parse_month(month)
            landlord = self.landlord(month, landlord)
            charge_month_export(month=month, landlord=landlord, by=None)
        except ChargeError as exc:
            raise CommandError(str(exc)) from exc
        out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8", newline="")  # noqa: SIM115
        progress = self.stderr if output == "-" else self.stdout
        lines = 0
        try:
            for chunk in charge_csv(month, Neighbourhood.objects.filter(landlord=landlord)):
                out.write(chunk)
                lines += 1
                if lines % PROGRESS_EVERY == 0:
                    progress.write(_("  %(n)d lignes écrites…") % {"n": lines - 1})
        finally:
            if out is not sys.stdout:
                out.close()
        progress.write(
            self.style.SUCCESS(
                _(
                    "%(m)s exporté pour %(landlord)s : %(n)d ligne(s) dans %(f)s ; "
                    "son mois est verrouillé."
                )
                % {
                    "m": month.strftime("%m/%Y"),
                    "landlord": landlord,
                    "n": lines - 1,
                    "f": output,
                }
            )
        )
