"""What the support services share: their refusal, the check of a rule, the acting user."""

from django.utils.translation import gettext as _

from brest_internet.common.errors import Refusal

from ..households import current_dwelling


class SupportError(Refusal):
    """A refused support action (`field`: the form field it is about, when there is one)."""


def check(allowed: bool, message: str | None = None, **kwargs) -> None:
    """Refuse with `message` (or the plain "not yours") unless a rule of `support.rules`
    allowed the action."""
    if not allowed:
        raise SupportError(message or _("Cette action ne relève pas de votre structure."), **kwargs)


def dwelling_of(household):
    """The dwelling `household` lives in now, or the refusal that it has none known."""
    dwelling = current_dwelling(household)
    if dwelling is None:
        raise SupportError(
            _("Le foyer %(h)s n'a pas de logement connu dans un quartier du programme.")
            % {"h": household}
        )
    return dwelling
