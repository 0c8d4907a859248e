"""What section 4 left open: the admin's add form invites (no password typed), an invitation is
sent again when it expired or was lost, a lost authenticator is reset by another coordinator."""

import datetime
import html
from unittest import mock

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from neighborhoods.models import AccountEvent, User
from tests import factories as f
from tests.accounts.conftest import free_port
from tests.accounts.test_accounts import (
    NEW_PASSWORD,
    choose_password,
    invitation_data,
    invite,
    logged_in,
    login,
)
from tests.accounts.test_two_factor import code
from tests.conftest import PASSWORD

NEWCOMER = "nolwenn.riou@centre.example"


def page_text(response):
    return html.unescape(response.content.decode())


def kinds(user):
    return list(user.account_events.order_by("pk").values_list("kind", flat=True))


# The admin's add form ------------------------------------------------------------------------


def admin_add(client, orgs, **overrides):
    return client.post(reverse("admin:neighborhoods_user_add"), invitation_data(orgs, **overrides))


def test_the_admin_add_form_asks_for_no_password(client_for, coordinator):
    page = page_text(client_for(coordinator).get(reverse("admin:neighborhoods_user_add")))
    assert 'name="email"' in page and 'name="organisation"' in page
    assert "password1" not in page and "usable_password" not in page


def test_an_account_added_in_the_admin_is_invited_like_on_the_page(
    smtp, client_for, coordinator, orgs
):
    response = admin_add(client_for(coordinator), orgs)
    assert response.status_code == 302
    user = User.objects.get(email=NEWCOMER)
    assert user.username == NEWCOMER and not user.has_usable_password()
    assert user.role == User.Role.CENTRE and user.groups.filter(name__isnull=False).exists()
    assert user.account_events.get().kind == AccountEvent.Kind.CREATED
    assert user.account_events.get().by == coordinator
    [mail] = smtp.to(NEWCOMER)
    newcomer = Client()
    _page, done = choose_password(newcomer, smtp.link(mail))
    assert done["Location"] == reverse("password_reset_complete")
    assert login(newcomer, NEWCOMER, NEW_PASSWORD).status_code == 302 and logged_in(newcomer)


def test_the_admin_add_form_refuses_what_the_page_refuses(
    client_for, coordinator, centre_user, orgs, mailoutbox
):
    client = client_for(coordinator)
    mismatch = admin_add(client, orgs, organisation=orgs.landlord.pk)
    assert "Un compte « Centre social » appartient à un centre social." in page_text(mismatch)
    taken = admin_add(client, orgs, email=centre_user.email.upper())
    assert "Un compte utilise déjà cette adresse électronique." in page_text(taken)
    assert not User.objects.filter(email=NEWCOMER).exists() and mailoutbox == []


def test_the_admin_never_sets_someone_elses_password(
    client_for, coordinator, centre_user, admin_client
):
    url = reverse("admin:auth_user_password_change", args=[centre_user.pk])
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    # Not the coordination, and not even a superuser: the person chooses it.
    for client in (client_for(coordinator), admin_client):
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
        change_url = reverse("admin:neighborhoods_user_change", args=[centre_user.pk])
        assert "../password/" not in page_text(client.get(change_url))
    centre_user.refresh_from_db()
    assert centre_user.check_password(PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_the_migration_lets_coordinators_add_accounts_and_back():
    from tests.migrations import migrate, migrate_to_latest

    def coordinators_may_add(apps):
        group = apps.get_model("auth", "Group").objects.get(name="Coordination du programme")
        return group.permissions.filter(codename="add_user").exists()

    before = [("neighborhoods", "0011_account_events_resend_and_second_factor_reset")]
    after = [("neighborhoods", "0012_coordinators_add_accounts_in_admin")]
    try:
        assert not coordinators_may_add(migrate(before))
        assert coordinators_may_add(migrate(after))
    finally:
        migrate_to_latest()


# Sending an invitation again -----------------------------------------------------------------


def resend(client, user):
    return client.post(reverse("accounts:resend_invitation", args=[user.pk]), follow=True)


def test_a_lost_invitation_is_sent_again_and_its_link_works(smtp, client_for, coordinator, orgs):
    coordo = client_for(coordinator)
    invite(coordo, orgs)
    user = User.objects.get(email=NEWCOMER)
    smtp.messages.clear()  # the first mail was lost
    page = page_text(resend(coordo, user))
    assert f"Une nouvelle invitation est partie à {NEWCOMER}." in page
    assert "Invitation envoyée à nouveau" in page  # in the account's history
    [mail] = smtp.to(NEWCOMER)
    assert "nouveau lien" in smtp.body(mail)
    _page, done = choose_password(Client(), smtp.link(mail))
    assert done["Location"] == reverse("password_reset_complete")
    assert login(Client(), NEWCOMER, NEW_PASSWORD).status_code == 302
    assert kinds(user) == [AccountEvent.Kind.CREATED, AccountEvent.Kind.INVITATION_RESENT]
    assert user.account_events.order_by("pk").last().by == coordinator


def test_an_expired_invitation_is_replaced_by_a_new_one(smtp, client_for, coordinator, orgs):
    coordo = client_for(coordinator)
    invite(coordo, orgs)
    [first] = smtp.to(NEWCOMER)
    later = datetime.datetime.now() + datetime.timedelta(days=4)  # past the 72 hours
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
        expired = Client().get(smtp.link(first), follow=True)
        assert "Ce lien ne fonctionne plus" in page_text(expired)
        resend(coordo, User.objects.get(email=NEWCOMER))
        second = smtp.to(NEWCOMER)[-1]
        _page, done = choose_password(Client(), smtp.link(second))
    assert done["Location"] == reverse("password_reset_complete")
    assert User.objects.get(email=NEWCOMER).check_password(NEW_PASSWORD)


def test_no_invitation_for_someone_who_chose_a_password(smtp, client_for, coordinator, centre_user):
    page = page_text(resend(client_for(coordinator), centre_user))
    assert "déjà choisi son mot de passe" in page
    assert smtp.messages == [] and kinds(centre_user) == []


def test_no_invitation_for_a_deactivated_account(smtp, client_for, coordinator, orgs):
    coordo = client_for(coordinator)
    invite(coordo, orgs)
    user = User.objects.get(email=NEWCOMER)
    coordo.post(reverse("accounts:deactivate", args=[user.pk]))
    smtp.messages.clear()
    assert "réactivez-le d'abord" in page_text(resend(coordo, user))
    assert smtp.messages == []
    assert AccountEvent.Kind.INVITATION_RESENT not in kinds(user)


def test_the_resend_button_is_shown_only_while_the_password_is_not_chosen(
    client_for, coordinator, centre_user, orgs, mailoutbox
):
    coordo = client_for(coordinator)
    invite(coordo, orgs)
    invited = User.objects.get(email=NEWCOMER)
    url = reverse("accounts:resend_invitation", args=[invited.pk])
    assert url in page_text(coordo.get(reverse("accounts:detail", args=[invited.pk])))
    assert coordo.get(url).status_code == 405
    chosen = page_text(coordo.get(reverse("accounts:detail", args=[centre_user.pk])))
    assert "Renvoyer l'invitation" not in chosen


def test_the_admin_action_sends_the_invitations_again(
    smtp, client_for, coordinator, centre_user, orgs
):
    coordo = client_for(coordinator)
    invite(coordo, orgs)
    invited = User.objects.get(email=NEWCOMER)
    smtp.messages.clear()
    response = coordo.post(
        reverse("admin:neighborhoods_user_changelist"),
        {"action": "resend_invitation", "_selected_action": [invited.pk, centre_user.pk]},
        follow=True,
    )
    page = page_text(response)
    assert "1 invitation envoyée à nouveau." in page
    assert "déjà choisi son mot de passe" in page  # the centre's staff member: refused
    assert len(smtp.to(NEWCOMER)) == 1 and smtp.to(centre_user.email) == []
    assert kinds(invited)[-1] == AccountEvent.Kind.INVITATION_RESENT


# Resetting a lost second factor --------------------------------------------------------------


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def verified_client(user):
    """A session of `user` past the password and the code (their phone)."""
    device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    client = Client()
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    client.post(reverse("two_factor"), {"code": code(device)})
    assert client.get(reverse("home")).status_code == 200
    return client


def reset(client, user):
    return client.post(reverse("accounts:reset_second_factor", args=[user.pk]), follow=True)


def test_a_coordinator_resets_a_lost_authenticator(required, coordinator, landlord_user):
    lost_phone_session = verified_client(landlord_user)
    coordo = verified_client(coordinator)
    detail = page_text(coordo.get(reverse("accounts:detail", args=[landlord_user.pk])))
    assert "application enregistrée" in detail
    page = page_text(reset(coordo, landlord_user))
    assert "est réinitialisée" in page and "Double authentification réinitialisée" in page

    assert not TOTPDevice.objects.filter(user=landlord_user).exists()
    event = landlord_user.account_events.get()
    assert event.kind == AccountEvent.Kind.SECOND_FACTOR_RESET and event.by == coordinator
    assert event.at is not None
    # The sessions opened with the old phone are over.
    assert lost_phone_session.get(reverse("home"))["Location"].startswith(reverse("login"))
    # At the next login the person enrols a new application (a new secret, a QR code).
    again = Client()
    again.post(reverse("login"), {"username": landlord_user.username, "password": PASSWORD})
    assert again.get(reverse("home"))["Location"].startswith(reverse("two_factor"))
    assert "<svg" in page_text(again.get(reverse("two_factor")))
    # The coordinator's own session is untouched.
    assert coordo.get(reverse("home")).status_code == 200


def test_a_coordinator_cannot_reset_their_own_second_factor(required, coordinator, orgs):
    coordo = verified_client(coordinator)
    page = page_text(reset(coordo, coordinator))
    assert "demandez-le à une autre personne de la coordination" in page
    assert TOTPDevice.objects.filter(user=coordinator).exists()
    assert not coordinator.account_events.exists()

    colleague = f.UserFactory(
        username="coordo-2", organisation=orgs.city, role=User.Role.COORDINATOR, is_staff=True
    )
    reset(verified_client(colleague), coordinator)
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert coordinator.account_events.get().by == colleague


def test_resetting_an_account_without_authenticator_does_nothing(client_for, coordinator, orgs):
    staff = f.UserFactory(organisation=orgs.centre, role=User.Role.CENTRE)
    page = page_text(reset(client_for(coordinator), staff))
    assert "Rien à faire : ce compte n'a pas d'application enregistrée." in page
    assert not staff.account_events.exists()


def test_only_coordinators_reset_a_second_factor(client_for, landlord_user, other_landlord_user):
    TOTPDevice.objects.create(user=other_landlord_user, name="TOTP", confirmed=True)
    response = client_for(landlord_user).post(
        reverse("accounts:reset_second_factor", args=[other_landlord_user.pk])
    )
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=other_landlord_user).exists()


def test_the_admin_action_resets_second_factors(client_for, coordinator, landlord_user):
    TOTPDevice.objects.create(user=landlord_user, name="TOTP", confirmed=True)
    TOTPDevice.objects.create(user=coordinator, name="TOTP", confirmed=True)
    response = client_for(coordinator).post(
        reverse("admin:neighborhoods_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [landlord_user.pk, coordinator.pk]},
        follow=True,
    )
    page = page_text(response)
    assert "1 double authentification réinitialisée." in page
    assert "votre propre double authentification" in page
    assert not TOTPDevice.objects.filter(user=landlord_user).exists()
    assert TOTPDevice.objects.filter(user=coordinator).exists()


# When the mail server fails ------------------------------------------------------------------


def test_a_mail_server_down_gives_a_message_and_the_invitation_is_resent_later(
    smtp, settings, client_for, coordinator, orgs
):
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there
    coordo = client_for(coordinator)
    page = page_text(invite(coordo, orgs, follow=True))
    assert "L'invitation n'a pas pu partir" in page and "Renvoyer l'invitation" in page
    user = User.objects.get(email=NEWCOMER)  # the account stands, without a password
    assert not user.has_usable_password()
    again = page_text(resend(coordo, user))
    assert "L'invitation n'a pas pu partir" in again
    assert kinds(user) == [AccountEvent.Kind.CREATED]  # no line says it was sent again

    settings.EMAIL_PORT = working_port
    resend(coordo, user)
    [mail] = smtp.to(NEWCOMER)
    assert kinds(user) == [AccountEvent.Kind.CREATED, AccountEvent.Kind.INVITATION_RESENT]
    _page, done = choose_password(Client(), smtp.link(mail))
    assert done["Location"] == reverse("password_reset_complete")
