"""The scope of the records kept per neighbourhood (home help, computer orders)."""

from brest_internet.common.cancellation import CancellableQuerySet
from neighborhoods.models import User


class NeighbourhoodScoped(CancellableQuerySet):
    def visible_to(self, user):
        """Coordinators: all; a centre's staff: the records of the neighbourhoods it serves."""
        if not user.is_authenticated:
            return self.none()
        if user.is_coordinator:
            return self
        if user.has_role(User.Role.CENTRE):
            return self.filter(neighbourhood__centre_id=user.organisation_id)
        return self.none()
