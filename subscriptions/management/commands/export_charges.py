"""`manage.py export_charges --month YYYY-MM --landlord NAME --output FILE`: a landlord's lines.

The landlord's month is locked and its file kept: its lines can no longer be regenerated, only
corrected by adjustments, and exporting it again writes the same bytes. `--adjustments` writes
the adjustments entered since as a new batch of their own. The other landlords' months stay
open. `--landlord` (name or id) may be left out when only one landlord was billed that month.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from neighborhoods.models import Organisation, User
from subscriptions.exports import thaw
from subscriptions.models import LandlordMonth
from subscriptions.services import (
    ChargeError,
    charge_adjustments_export,
    charge_month_export,
    parse_month,
)


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
        parser.add_argument(
            "--adjustments",
            action="store_true",
            help=_("Exporte en un nouveau lot les ajustements saisis depuis l'export du mois."),
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

    def handle(self, *args, month, output, landlord=None, adjustments=False, **options):
        export = charge_adjustments_export if adjustments else charge_month_export
        try:
            month = parse_month(month)
            landlord = self.landlord(month, landlord)
            stored = export(month=month, landlord=landlord, by=User.objects.system())
        except ChargeError as exc:
            raise CommandError(str(exc)) from exc
        out = sys.stdout.buffer if output == "-" else open(output, "wb")  # noqa: SIM115
        progress = self.stderr if output == "-" else self.stdout
        try:
            for chunk in thaw(stored.content):
                out.write(chunk)
        finally:
            if output != "-":
                out.close()
        progress.write(
            self.style.SUCCESS(
                ngettext(
                    "%(m)s exporté pour %(landlord)s (lot %(lot)d) : %(n)d ligne dans %(f)s, "
                    "SHA-256 %(sha)s ; son mois est verrouillé.",
                    "%(m)s exporté pour %(landlord)s (lot %(lot)d) : %(n)d lignes dans %(f)s, "
                    "SHA-256 %(sha)s ; son mois est verrouillé.",
                    stored.rows,
                )
                % {
                    "m": month.strftime("%m/%Y"),
                    "landlord": landlord,
                    "lot": stored.number,
                    "n": stored.rows,
                    "f": output,
                    "sha": stored.sha256,
                }
            )
        )
