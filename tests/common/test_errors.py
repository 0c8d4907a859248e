"""Every service refuses the same way (brest_internet/common/errors.py)."""

import pytest
from django import forms

from brest_internet.common.errors import Refusal
from brest_internet.programme.gdpr import AnonymisationError
from neighborhoods.moves import MoveError
from neighborhoods.pipeline import TransitionError
from neighborhoods.register import RegisterFileError
from subscriptions.services import ChargeError, SubscriptionError
from support.services import SupportError
from votes.services import SignInError, VoteError


@pytest.mark.parametrize(
    "error",
    [
        AnonymisationError,
        MoveError,
        TransitionError,
        RegisterFileError,
        ChargeError,
        SubscriptionError,
        SupportError,
        VoteError,
        SignInError,
    ],
)
def test_every_app_refusal_is_a_refusal(error):
    assert issubclass(error, Refusal)


class SessionForm(forms.Form):
    ends_at = forms.CharField(required=False)


def test_a_refusal_about_a_field_is_shown_beside_it():
    form = SessionForm(data={})
    assert form.is_valid()
    SupportError("La fin de la séance doit suivre son début.", field="ends_at").add_to(form)
    assert form.errors["ends_at"] == ["La fin de la séance doit suivre son début."]


def test_a_refusal_about_a_field_the_form_lacks_is_shown_on_top():
    form = SessionForm(data={})
    assert form.is_valid()
    ChargeError("Ce mois est déjà verrouillé.", field="month").add_to(form)
    assert form.non_field_errors() == ["Ce mois est déjà verrouillé."]
