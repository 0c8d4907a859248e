"""Delete the API call log older than API_CALL_RETENTION_MONTHS (run by the daily retention)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ... import services


class Command(BaseCommand):
    help = _("Supprime le journal des appels à l'API plus ancien que la durée de conservation.")

    def handle(self, *args, **options):
        count = services.api_calls_purge()
        self.stdout.write(
            ngettext(
                "%(n)d appel à l'API supprimé du journal.",
                "%(n)d appels à l'API supprimés du journal.",
                count,
            )
            % {"n": count}
        )
