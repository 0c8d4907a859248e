"""Services of the neighbourhoods app that are neither the pipeline nor the register."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from . import rules
from .models import Neighbourhood, Sector, User


class SectorError(Exception):
    """A sector refused; str() is a French message for the person who asked."""


def sector_create(
    *,
    by: User,
    neighbourhood: Neighbourhood,
    name: str,
    expected_dwellings: int = 0,
    planned_year: int | None = None,
) -> Sector:
    """Add a sector to a neighbourhood (Bellevue: Bergot, Quizac, Kerhallet), as a coordinator.

    Refused: a blank name, a name the neighbourhood already has (whatever its case or spaces).
    The sector's history row names who created it.
    """
    if not rules.can_manage_pipeline(by):
        raise PermissionDenied
    name = " ".join((name or "").split())
    if not name:
        raise SectorError(_("Indiquez le nom du secteur."))
    with transaction.atomic():
        # Two coordinators adding the same name at once: the second waits, then is refused.
        nbh = Neighbourhood.objects.select_for_update().get(pk=neighbourhood.pk)
        if nbh.sectors.filter(name__iexact=name).exists():
            raise SectorError(
                _("Le quartier %(nbh)s a déjà un secteur « %(name)s ».")
                % {"nbh": nbh.name, "name": name}
            )
        sector = Sector(
            neighbourhood=nbh,
            name=name,
            expected_dwellings=expected_dwellings or 0,
            planned_year=planned_year,
        )
        sector._history_user = by
        sector.save()
        return sector
