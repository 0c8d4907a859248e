"""Send the notices that are due (every few minutes, from cron or the job engine)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from brest_internet.notices.sending import notices_send_due


class Command(BaseCommand):
    help = _("Envoie les avis dus aux foyers (courriel, SMS). Sans risque de double envoi.")

    def handle(self, *args, **options):
        report = notices_send_due()
        self.stdout.write(
            _(
                "%(p)d avis préparés ; %(s)d envois partis, %(r)d à retenter, %(f)d en échec, "
                "%(d)d abandonnés, %(w)d reportés au matin."
            )
            % {
                "p": report.prepared,
                "s": report.sent,
                "r": report.retried,
                "f": report.failed,
                "d": report.dropped,
                "w": report.deferred,
            }
        )
