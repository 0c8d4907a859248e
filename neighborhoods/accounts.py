"""Accounts coordinators manage: invite a person of any role, resend a lost invitation,
deactivate, reactivate, reset a lost second factor.

Nobody types a password for someone else: a new account has an unusable password and receives
an e-mail with a single-use link (Django's password-reset token, which changes as soon as the
password does) to choose its own. Every change writes an `AccountEvent`.
"""

import logging
import smtplib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import COORDINATOR, role_required
from .models import AccountEvent, Organisation, User

log = logging.getLogger(__name__)

Kind = Organisation.Kind

# The organisation an account belongs to must be of a kind that fits its role.
KINDS_BY_ROLE = {
    User.Role.COORDINATOR: (Kind.CITY, Kind.METROPOLIS),
    User.Role.LANDLORD: (Kind.LANDLORD,),
    User.Role.CENTRE: (Kind.CENTRE,),
    User.Role.ASSOCIATION: (Kind.TENANTS_ASSOCIATION, Kind.LOCAL_ASSOCIATION),
}

ROLE_MISMATCH = {
    User.Role.COORDINATOR: gettext_lazy(
        "Un compte de coordination appartient à la Ville ou à la Métropole."
    ),
    User.Role.LANDLORD: gettext_lazy("Un compte « Bailleur » appartient à un bailleur social."),
    User.Role.CENTRE: gettext_lazy("Un compte « Centre social » appartient à un centre social."),
    User.Role.ASSOCIATION: gettext_lazy("Un compte « Association » appartient à une association."),
}


class AccountForm(forms.ModelForm):
    """The fields a coordinator types for a new account (on the page and in the admin): no
    password, which the person chooses from the invitation."""

    first_name = forms.CharField(label=gettext_lazy("Prénom"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Nom"), max_length=150)
    email = forms.EmailField(
        label=gettext_lazy("Adresse électronique"),
        max_length=150,
        help_text=gettext_lazy("L'invitation y est envoyée ; elle sert aussi d'identifiant."),
    )
    role = forms.ChoiceField(label=gettext_lazy("Rôle"), choices=User.Role.choices)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=Organisation.objects.order_by("name"),
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "role", "organisation"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        taken = User.objects.filter(email__iexact=email).exists()
        if taken or User.objects.filter(username__iexact=email).exists():
            raise ValidationError(_("Un compte utilise déjà cette adresse électronique."))
        return email

    def clean(self):
        data = super().clean()
        role, org = data.get("role"), data.get("organisation")
        if role and org and org.kind not in KINDS_BY_ROLE[role]:
            self.add_error("organisation", ROLE_MISMATCH[role])
        return data


def invitation_link(request, user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return request.build_absolute_uri(path)


class AccountError(Exception):
    """A refused account action, with its message for the coordinator (translated)."""


class InvitationNotSent(AccountError):
    """The mail server did not take the invitation (the account change itself stands)."""


def _send_invitation(*, request, user: User, by: User, resent: bool = False) -> None:
    context = {
        "user": user,
        "by": by,
        "link": invitation_link(request, user),
        "role": User.Role(user.role).label,
        "organisation": user.organisation,
        "resent": resent,
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    # In the request's language: the coordinator's choice (French, or English).
    subject = _("Votre compte Internet pour tous")
    body = render_to_string("registration/invitation_email.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except (smtplib.SMTPException, OSError) as error:
        # The mail server refused or could not be reached: say so, never a server error.
        log.warning("invitation not sent user=%s error=%r", user.pk, error)
        raise InvitationNotSent(
            _(
                "L'invitation n'a pas pu partir (le serveur de courriel ne répond pas) : "
                "réessayez avec « Renvoyer l'invitation » dans un moment."
            )
        ) from error


def account_invite(*, by: User, request, user: User) -> User:
    """Create `user` (unsaved: names, e-mail, role, organisation) with no usable password, and
    e-mail it a link to choose one. Its e-mail address is its login name.

    The mail is in the inviting coordinator's current language; it is sent once the account is
    committed, so that a refused save never sends a link to nothing.
    """
    with transaction.atomic():
        user.email = user.email.strip().lower()
        user.username = user.email
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        user.sync_role_group()
        AccountEvent.objects.create(user=user, kind=AccountEvent.Kind.CREATED, by=by)
    _send_invitation(request=request, user=user, by=by)
    return user


def account_invitation_resend(*, by: User, request, user: User) -> None:
    """Send `user` a new invitation link, when the first expired or was lost.

    Only for an active account whose password was never chosen: someone who chose one uses
    "mot de passe oublié" (the same kind of link, asked by the person themselves). The earlier
    link keeps working until it expires or a password is chosen, whichever comes first.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise AccountError(_("Ce compte est désactivé : réactivez-le d'abord."))
        if user.has_usable_password():
            raise AccountError(
                _(
                    "Cette personne a déjà choisi son mot de passe : si elle l'a oublié, elle "
                    "utilise « Mot de passe oublié » sur la page de connexion."
                )
            )
        if not user.email:
            raise AccountError(_("Ce compte n'a pas d'adresse électronique."))
        AccountEvent.objects.create(user=user, kind=AccountEvent.Kind.INVITATION_RESENT, by=by)
        # Sent inside the transaction: when the mail server fails, no line says it was sent.
        _send_invitation(request=request, user=user, by=by, resent=True)


def account_second_factor_reset(*, by: User, user: User) -> bool:
    """Remove `user`'s authenticator (lost or replaced phone), so that they enrol a new one at
    their next login, and end their open sessions; False when they had none.

    Nobody resets their own: whoever holds a coordinator's open session (a borrowed computer)
    could otherwise swap the second factor for theirs. Another coordinator does it, after
    checking by telephone that the request comes from the person.
    """
    if by.pk == user.pk:
        raise AccountError(
            _(
                "Vous ne pouvez pas réinitialiser votre propre double authentification : "
                "demandez-le à une autre personne de la coordination."
            )
        )
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        devices = TOTPDevice.objects.filter(user=user)
        if not devices.exists():
            return False
        devices.delete()
        AccountEvent.objects.create(user=user, kind=AccountEvent.Kind.SECOND_FACTOR_RESET, by=by)
        sessions_end(user=user)
    return True


def sessions_end(*, user: User) -> int:
    """Delete the open sessions of `user` (database sessions); returns how many.

    The sessions are few (they expire after SESSION_IDLE_MINUTES), so reading the live ones
    is cheap; the user id is only inside the session's encoded data.
    """
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def account_set_active(*, by: User, user: User, active: bool) -> bool:
    """Deactivate or reactivate `user`; a no-op (False) when it already is so.

    A deactivated account can no longer log in, and its open sessions end at their next
    request (Django's backend refuses inactive users).
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active == active:
            return False
        user.is_active = active
        user.save(update_fields=["is_active"])
        AccountEvent.objects.create(
            user=user,
            kind=AccountEvent.Kind.REACTIVATED if active else AccountEvent.Kind.DEACTIVATED,
            by=by,
        )
    return True


# Views ---------------------------------------------------------------------------------


@role_required(COORDINATOR)
@require_GET
def account_list(request):
    accounts = (
        User.objects.select_related("organisation")
        .exclude(role="")
        .order_by("organisation__name", "last_name", "first_name", "pk")
    )
    return render(request, "neighborhoods/accounts/list.html", {"accounts": accounts})


@role_required(COORDINATOR)
@require_http_methods(["GET", "POST"])
def account_create(request):
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        try:
            account_invite(by=request.user, request=request, user=user)
        except InvitationNotSent as error:
            messages.warning(
                request,
                _("Compte créé pour %(name)s.") % {"name": user.get_full_name()} + " " + str(error),
            )
        else:
            messages.success(
                request,
                _("Compte créé pour %(name)s ; une invitation est partie à %(email)s.")
                % {"name": user.get_full_name(), "email": user.email},
            )
        return redirect("accounts:detail", pk=user.pk)
    return render(request, "neighborhoods/accounts/form.html", {"form": form})


def get_account(pk):
    return get_object_or_404(User.objects.select_related("organisation").exclude(role=""), pk=pk)


@role_required(COORDINATOR)
@require_GET
def account_detail(request, pk):
    account = get_account(pk)
    events = account.account_events.select_related("by")
    context = {
        "account": account,
        "events": events,
        "second_factor": TOTPDevice.objects.filter(user=account, confirmed=True).exists(),
        "invited": not account.has_usable_password(),
    }
    return render(request, "neighborhoods/accounts/detail.html", context)


def _set_active(request, pk, active):
    account = get_account(pk)
    if account.pk == request.user.pk:
        messages.error(request, _("Vous ne pouvez pas désactiver votre propre compte."))
    elif account_set_active(by=request.user, user=account, active=active):
        messages.success(
            request,
            (
                _("Compte réactivé : %(name)s.")
                if active
                else _("Compte désactivé : %(name)s ne peut plus se connecter.")
            )
            % {"name": account.get_full_name() or account.username},
        )
    else:
        messages.info(request, _("Rien à faire : le compte était déjà dans cet état."))
    return redirect("accounts:detail", pk=account.pk)


@role_required(COORDINATOR)
@require_POST
def account_deactivate(request, pk):
    return _set_active(request, pk, active=False)


@role_required(COORDINATOR)
@require_POST
def account_reactivate(request, pk):
    return _set_active(request, pk, active=True)


@role_required(COORDINATOR)
@require_POST
def account_resend_invitation(request, pk):
    account = get_account(pk)
    try:
        account_invitation_resend(by=request.user, request=request, user=account)
    except AccountError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Une nouvelle invitation est partie à %(email)s.") % {"email": account.email},
        )
    return redirect("accounts:detail", pk=account.pk)


@role_required(COORDINATOR)
@require_POST
def account_reset_second_factor(request, pk):
    account = get_account(pk)
    try:
        done = account_second_factor_reset(by=request.user, user=account)
    except AccountError as error:
        messages.error(request, str(error))
    else:
        if done:
            messages.success(
                request,
                _(
                    "La double authentification de %(name)s est réinitialisée : à sa prochaine "
                    "connexion, la personne enregistre sa nouvelle application."
                )
                % {"name": account.get_full_name() or account.username},
            )
        else:
            messages.info(request, _("Rien à faire : ce compte n'a pas d'application enregistrée."))
    return redirect("accounts:detail", pk=account.pk)
