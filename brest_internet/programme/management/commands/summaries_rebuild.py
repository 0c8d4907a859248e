"""Rebuild the summaries the dashboard reads (register sizes, subscriptions per month) from the
rows they summarise: a repair after rows were written round the services."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from brest_internet.programme.summaries import summaries_rebuild


class Command(BaseCommand):
    help = _("Recalcule les résumés du tableau de bord à partir des logements et des abonnements.")

    def handle(self, *args, **options):
        summaries_rebuild()
        self.stdout.write(_("Résumés du tableau de bord recalculés."))
