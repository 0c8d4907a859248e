"""Anonymise the households gone for longer than GDPR_RETENTION_MONTHS (run it daily from cron).

Names, contacts and free text go; every count, charge and vote stays as it was. The same daily
run erases the register files previewed and never confirmed (`purge_register_uploads`) and the
API's call log older than API_CALL_RETENTION_MONTHS (`purge_api_calls`).
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from brest_internet.programme.gdpr import departed_households, households_anonymise
from neighborhoods.models import User


class Command(BaseCommand):
    help = _("Anonymise les foyers partis depuis plus que la durée de conservation.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help=_("durée de conservation en mois (par défaut GDPR_RETENTION_MONTHS)"),
        )
        parser.add_argument("--dry-run", action="store_true", help=_("compter sans rien modifier"))

    def handle(self, *args, months=None, dry_run=False, **options):
        months = settings.GDPR_RETENTION_MONTHS if months is None else months
        if months < 1:
            self.stderr.write(_("La durée de conservation doit être d'au moins un mois."))
            raise SystemExit(2)
        candidates = departed_households(months=months)
        if dry_run:
            count = candidates.count()
            self.stdout.write(
                ngettext(
                    "%(n)d foyer serait anonymisé (parti depuis plus de %(m)d mois).",
                    "%(n)d foyers seraient anonymisés (partis depuis plus de %(m)d mois).",
                    count,
                )
                % {"n": count, "m": months}
            )
            return
        count = households_anonymise(households=candidates, by=User.objects.system())
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "%(n)d foyer anonymisé (parti depuis plus de %(m)d mois).",
                    "%(n)d foyers anonymisés (partis depuis plus de %(m)d mois).",
                    count,
                )
                % {"n": count, "m": months}
            )
        )
        call_command("purge_register_uploads", stdout=self.stdout)
        call_command("purge_api_calls", stdout=self.stdout)
