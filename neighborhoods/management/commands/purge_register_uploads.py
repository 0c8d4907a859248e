"""Erase the register files previewed and never confirmed (run it daily from cron).

A preview keeps the register's columns of a file until it is confirmed or abandoned; one left
waiting for longer than REGISTER_PREVIEW_HOURS is abandoned and its content erased.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from neighborhoods.register import register_imports_purge


class Command(BaseCommand):
    help = _("Efface les fichiers du registre déposés et jamais confirmés.")

    def handle(self, *args, **options):
        count = register_imports_purge()
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "%(n)d aperçu d'import du registre effacé (plus de %(h)d heures).",
                    "%(n)d aperçus d'import du registre effacés (plus de %(h)d heures).",
                    count,
                )
                % {"n": count, "h": settings.REGISTER_PREVIEW_HOURS}
            )
        )
