"""The scope of the records kept per neighbourhood (home help, computer orders)."""

from brest_internet.common.cancellation import CancellableQuerySet
from neighborhoods.models import User


def of_centre(queryset, user, lookup: str):
    """`queryset` as `user` sees it: all for a coordinator, for a centre's staff the rows whose
    `lookup` (a path to a centre's id) is their centre, none for anyone else."""
    if not user.is_authenticated:
        return queryset.none()
    if user.is_coordinator:
        return queryset
    if user.has_role(User.Role.CENTRE):
        return queryset.filter(**{lookup: user.organisation_id})
    return queryset.none()


class NeighbourhoodScoped(CancellableQuerySet):
    def visible_to(self, user):
        """Coordinators: all; a centre's staff: the records of the neighbourhoods it serves."""
        return of_centre(self, user, "neighbourhood__centre_id")
