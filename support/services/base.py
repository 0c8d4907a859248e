"""What the support services share: their refusal, the check of a rule, the acting user."""

from django.utils.translation import gettext as _

from brest_internet.common.errors import Refusal


class SupportError(Refusal):
    """A refused support action (`field`: the form field it is about, when there is one)."""


def check(allowed: bool, message: str | None = None, **kwargs) -> None:
    """Refuse with `message` (or the plain "not yours") unless a rule of `support.rules`
    allowed the action."""
    if not allowed:
        raise SupportError(message or _("Cette action ne relève pas de votre structure."), **kwargs)
