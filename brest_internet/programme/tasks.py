"""The programme's daily jobs: the anonymisation of departed households and the backup.

They used to hang on cron lines an administrator installed by hand; Procrastinate now fires
them once a day whatever the number of workers. The management commands stay, for a laptop
(no worker) and by hand.
"""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from brest_internet.jobs import runner
from neighborhoods.models import User
from neighborhoods.register import register_imports_purge

from . import gdpr


def _anonymise(progress) -> str:
    """One transaction (households_anonymise): a killed worker leaves every household as it
    was; the retried job finds the same ones (anonymised rows are never candidates again)."""
    candidates = gdpr.departed_households()
    progress.todo(candidates.count())
    count = gdpr.households_anonymise(households=candidates, by=User.objects.system())
    progress.advance(count)
    purged = register_imports_purge()
    figures = {"n": count, "m": settings.GDPR_RETENTION_MONTHS, "p": purged}
    return (
        " ".join(
            [
                ngettext(
                    "Foyer anonymisé (parti depuis plus de %(m)d mois) : %(n)d.",
                    "Foyers anonymisés (partis depuis plus de %(m)d mois) : %(n)d.",
                    count,
                ),
                ngettext(
                    "Aperçu d'import du registre effacé : %(p)d.",
                    "Aperçus d'import du registre effacés : %(p)d.",
                    purged,
                ),
            ]
        )
        % figures
    )


@runner.task(name="gdpr.anonymise_departed", label=gettext_lazy("Anonymisation des foyers partis"))
def anonymise_departed(progress):
    return _anonymise(progress)


@runner.periodic(
    name="gdpr.anonymise_daily",
    label=gettext_lazy("Anonymisation quotidienne des foyers partis"),
    cron=settings.JOBS_ANONYMISE_CRON,
)
def anonymise_daily(progress, *, timestamp: int):
    return _anonymise(progress)


def anonymise_departed_defer(*, by):
    return runner.defer(
        anonymise_departed,
        by=by,
        organisation=by.organisation,
        scope=_("foyers partis depuis plus de %(m)d mois") % {"m": settings.GDPR_RETENTION_MONTHS},
        queueing_lock="gdpr.anonymise",
        already_queued=_("Une anonymisation est déjà en attente ou en cours."),
    )


def backup_path(timestamp: int) -> Path:
    """One file per tick, named by its time: a retried tick writes the same name again."""
    when = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    return Path(settings.BACKUP_DIR) / f"brest-internet-{when:%Y%m%d-%H%M}.dump"


@runner.periodic(
    name="backup.daily",
    label=gettext_lazy("Sauvegarde quotidienne de la base"),
    cron=settings.JOBS_BACKUP_CRON,
)
def backup_daily(progress, *, timestamp: int):
    """backup_database writes a temporary file and renames it when complete: a killed worker
    leaves no file that looks whole; the retry writes it again."""
    if not settings.BACKUP_DIR:
        return _("Aucune sauvegarde : BACKUP_DIR n'est pas réglé.")
    target = backup_path(timestamp)
    if target.exists():
        return _("Sauvegarde déjà écrite : %(f)s") % {"f": target}
    call_command("backup_database", output=str(target))
    return _("Sauvegarde écrite : %(f)s (%(n)d octets), le %(at)s") % {
        "f": target,
        "n": target.stat().st_size,
        "at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
    }
