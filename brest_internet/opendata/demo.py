"""The open data of the demo: where the three centres receive the public, then one
publication of everything the other loaders made (this app loads last)."""

from django.utils.translation import gettext as _

from neighborhoods.models import Organisation, User

from .models import CentrePlace
from .services import opendata_publish

# Addresses for the demo (not checked against the centres' real ones).
PLACES = {
    "Centre social de Kerourien": ("Rue Père Ricard", "29200", "Mo-Fr 09:00-12:00,13:30-18:00"),
    "Centre social de Keredern": ("Rue Jules Lesven", "29200", "Mo-Fr 09:00-12:00,14:00-18:00"),
    "Maison pour tous du Valy-Hir": ("Rue Sisley", "29200", "Mo-Fr 09:00-12:00,14:00-19:00"),
}


def load(ctx):
    for name, (address, postcode, hours) in PLACES.items():
        centre = Organisation.objects.filter(name=name, kind=Organisation.Kind.CENTRE).first()
        if centre is None:
            continue
        CentrePlace.objects.get_or_create(
            centre=centre,
            defaults={
                "address": address,
                "postcode": postcode,
                "city": "Brest",
                "opening_hours": hours,
                "updated_on": ctx.today,
            },
        )
    publication = opendata_publish(by=User.objects.system())
    ctx.progress(_("données ouvertes publiées (%(dir)s)") % {"dir": publication.directory})
