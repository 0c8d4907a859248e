"""`manage.py publish_open_data`: compute and publish the open data (the periodic job will call
the same function, `brest_internet.opendata.services.opendata_publish`).

Idempotent: when the figures have not changed since the latest publication, nothing is written.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from brest_internet.opendata.models import Publication
from brest_internet.opendata.services import opendata_publish
from neighborhoods.models import User


class Command(BaseCommand):
    help = _("Publie les données ouvertes (CSV, schémas, datapackage.json). Idempotent.")

    def handle(self, *args, **options):
        before = Publication.objects.latest_first().first()
        publication = opendata_publish(by=User.objects.system())
        when = timezone.localtime(publication.published_at).strftime("%d/%m/%Y %H:%M")
        if before is not None and publication.pk == before.pk:
            self.stdout.write(
                _("Rien de nouveau : la publication du %(when)s est à jour.") % {"when": when}
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Données ouvertes publiées le %(when)s (dossier %(dir)s).")
                    % {"when": when, "dir": publication.directory}
                )
            )
