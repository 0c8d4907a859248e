"""Who may do what at the programme level (the pages and the services use the same rules)."""

from neighborhoods.models import User


def can_anonymise(user) -> bool:
    """Anonymising households is the coordination's, by hand or by the daily job (the system
    actor, `User.objects.system()`)."""
    return user.is_authenticated and (user.is_system or user.has_role(User.Role.COORDINATOR))
