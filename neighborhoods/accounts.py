"""Accounts coordinators manage: invite a person of any role, deactivate, reactivate.

Nobody types a password for someone else: a new account has an unusable password and receives
an e-mail with a single-use link (Django's password-reset token, which changes as soon as the
password does) to choose its own. Every change writes an `AccountEvent`.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .access import COORDINATOR, role_required
from .models import AccountEvent, Organisation, User

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


class AccountForm(forms.Form):
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


def account_invite(
    *,
    by: User,
    request,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    organisation: Organisation,
) -> User:
    """Create an account with no usable password and e-mail it a link to choose one.

    The mail is in the inviting coordinator's current language; it is sent once the account is
    committed, so that a refused save never sends a link to nothing.
    """
    with transaction.atomic():
        user = User(
            username=email,
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=role,
            organisation=organisation,
        )
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        user.sync_role_group()
        AccountEvent.objects.create(user=user, kind=AccountEvent.Kind.CREATED, by=by)
    context = {
        "user": user,
        "by": by,
        "link": invitation_link(request, user),
        "role": User.Role(role).label,
        "organisation": organisation,
    }
    # In the request's language: the coordinator's choice (French, or English).
    subject = _("Votre compte Internet pour tous")
    body = render_to_string("registration/invitation_email.txt", context)
    send_mail(subject, body, None, [user.email])
    return user


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
        user = account_invite(by=request.user, request=request, **form.cleaned_data)
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
    return render(
        request, "neighborhoods/accounts/detail.html", {"account": account, "events": events}
    )


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
