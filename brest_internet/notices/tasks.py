"""The notices go out from a periodic job: every few minutes, what is due is sent (once)."""

from django.conf import settings
from django.utils.translation import gettext_lazy, ngettext

from brest_internet.jobs import runner

from .sending import notices_send_due


@runner.periodic(
    name="notices.send",
    label=gettext_lazy("Envoi des notifications aux foyers"),
    cron=settings.JOBS_NOTICES_CRON,
)
def send_due(progress, *, timestamp: int) -> str:
    report = notices_send_due()
    progress.todo(report.sent + report.failed)
    progress.advance(report.sent + report.failed)
    return " ".join(
        [
            ngettext(
                "Notification envoyée : %(n)d.", "Notifications envoyées : %(n)d.", report.sent
            )
            % {"n": report.sent},
            ngettext("En échec : %(n)d.", "En échec : %(n)d.", report.failed)
            % {"n": report.failed},
            ngettext(
                "À réessayer plus tard : %(n)d.", "À réessayer plus tard : %(n)d.", report.retried
            )
            % {"n": report.retried},
        ]
    )
