"""The open data are published again every night (nothing is written when no figure moved)."""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brest_internet.common import formats
from brest_internet.jobs import runner
from neighborhoods.models import User

from .services import opendata_publish


@runner.periodic(
    name="opendata.publish",
    label=gettext_lazy("Publication des données ouvertes"),
    cron=settings.JOBS_OPEN_DATA_CRON,
)
def publish_nightly(progress, *, timestamp: int) -> str:
    publication = opendata_publish(by=User.objects.system())
    return _("Données ouvertes publiées le %(when)s.") % {
        "when": formats.moment(publication.published_at)
    }
