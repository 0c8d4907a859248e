"""Accounts coordinators manage; invitations and resets go through a real SMTP server."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from neighborhoods.models import AccountEvent, User
from tests.conftest import PASSWORD

NEW_PASSWORD = "un-mot-de-passe-bien-long"


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def logged_in(client):
    return client.get(reverse("home")).status_code == 200


def invitation_data(orgs, **overrides):
    """What a coordinator types for a new centre staff member (the page's and the admin's)."""
    return {
        "first_name": "Nolwenn",
        "last_name": "Riou",
        "email": "Nolwenn.Riou@centre.example",
        "role": User.Role.CENTRE,
        "organisation": orgs.centre.pk,
    } | overrides


def invite(client, orgs, follow=False, **overrides):
    return client.post(
        reverse("accounts:create"), invitation_data(orgs, **overrides), follow=follow
    )


def choose_password(client, link, password=NEW_PASSWORD):
    """Open the link from the mail, then post the new password to where it lands."""
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    return response, client.post(form_url, {"new_password1": password, "new_password2": password})


def test_coordinator_invites_centre_staff_who_sets_a_password_and_logs_in(
    smtp, client_for, coordinator, orgs
):
    response = invite(client_for(coordinator), orgs)
    user = User.objects.get(email="nolwenn.riou@centre.example")
    assert response.status_code == 302
    assert user.role == User.Role.CENTRE and user.organisation == orgs.centre
    assert not user.has_usable_password()  # nobody typed a password for her
    [mail] = smtp.to("nolwenn.riou@centre.example")
    assert "nolwenn.riou@centre.example" in smtp.body(mail)  # her login name

    newcomer = Client()
    page, done = choose_password(newcomer, smtp.link(mail))
    assert "Choisir un mot de passe" in page.content.decode()
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")

    assert login(newcomer, "nolwenn.riou@centre.example", NEW_PASSWORD).status_code == 302
    assert logged_in(newcomer)
    assert [e.kind for e in user.account_events.all()] == [AccountEvent.Kind.CREATED]
    assert user.account_events.get().by == coordinator


def test_the_invitation_link_works_only_once(smtp, client_for, coordinator, orgs):
    invite(client_for(coordinator), orgs)
    [mail] = smtp.to("nolwenn.riou@centre.example")
    link = smtp.link(mail)
    choose_password(Client(), link)

    again = Client().get(link, follow=True)
    assert "Ce lien ne fonctionne plus" in again.content.decode()
    _page, second = choose_password(Client(), link, password="encore-un-autre-mot-de-passe")
    user = User.objects.get(email="nolwenn.riou@centre.example")
    assert user.check_password(NEW_PASSWORD)


def test_forgotten_password_sends_a_link_that_sets_a_new_one(smtp, centre_user):
    anonymous = Client()
    response = anonymous.post(reverse("password_reset"), {"email": centre_user.email})
    assert response["Location"] == reverse("password_reset_done")
    [mail] = smtp.to(centre_user.email)
    _page, done = choose_password(anonymous, smtp.link(mail))
    assert done["Location"] == reverse("password_reset_complete")
    assert login(Client(), centre_user.username, NEW_PASSWORD).status_code == 302
    assert login(Client(), centre_user.username, PASSWORD).status_code == 200  # refused


def test_an_unknown_address_gets_the_same_answer_and_no_mail(smtp, centre_user):
    known = Client().post(reverse("password_reset"), {"email": centre_user.email}, follow=True)
    unknown = Client().post(
        reverse("password_reset"), {"email": "personne@nulle-part.example"}, follow=True
    )
    assert unknown.redirect_chain == known.redirect_chain
    assert "Vérifiez votre messagerie" in unknown.content.decode()
    assert smtp.to("personne@nulle-part.example") == []
    assert len(smtp.messages) == 1


def test_the_login_page_offers_the_forgotten_password_page(client):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize("persona", ["landlord_user", "centre_user", "association_user"])
def test_only_coordinators_reach_the_account_pages(request, persona, client_for, orgs):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("accounts:list")).status_code == 403
    assert invite(client, orgs).status_code == 403
    assert not User.objects.filter(email="nolwenn.riou@centre.example").exists()


def test_the_organisation_must_fit_the_role(client_for, coordinator, orgs, mailoutbox):
    response = invite(client_for(coordinator), orgs, organisation=orgs.landlord.pk)
    assert response.status_code == 200
    assert "Un compte « Centre social » appartient à un centre social." in (
        response.content.decode()
    )
    assert not User.objects.filter(email="nolwenn.riou@centre.example").exists()
    assert mailoutbox == []


def test_an_address_already_used_whatever_its_case_is_refused(
    client_for, coordinator, centre_user, orgs, mailoutbox
):
    response = invite(client_for(coordinator), orgs, email=centre_user.email.upper())
    assert "Un compte utilise déjà cette adresse électronique." in response.content.decode()
    assert User.objects.filter(email__iexact=centre_user.email).count() == 1
    assert mailoutbox == []


def test_the_database_refuses_two_accounts_with_one_address(centre_user):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="doublon", email=centre_user.email.upper())


def test_accounts_without_address_are_not_duplicates(db):
    User.objects.create(username="sans-adresse-1")
    User.objects.create(username="sans-adresse-2")
    assert User.objects.filter(email="").count() == 2


def test_a_deactivated_account_is_logged_out_and_can_be_reactivated(
    client_for, coordinator, centre_user
):
    staff = Client()
    login(staff, centre_user.username, PASSWORD)
    assert logged_in(staff)
    coordo = client_for(coordinator)
    coordo.post(reverse("accounts:deactivate", args=[centre_user.pk]))
    assert not logged_in(staff)
    assert login(Client(), centre_user.username, PASSWORD).status_code == 200  # refused

    coordo.post(reverse("accounts:reactivate", args=[centre_user.pk]))
    coordo.post(reverse("accounts:reactivate", args=[centre_user.pk]))  # already done: no-op
    assert login(Client(), centre_user.username, PASSWORD).status_code == 302
    kinds = list(centre_user.account_events.order_by("pk").values_list("kind", flat=True))
    assert kinds == [AccountEvent.Kind.DEACTIVATED, AccountEvent.Kind.REACTIVATED]
    page = coordo.get(reverse("accounts:detail", args=[centre_user.pk])).content.decode()
    assert "Compte désactivé" in page and "Compte réactivé" in page


def test_a_coordinator_cannot_deactivate_their_own_account(client_for, coordinator):
    client_for(coordinator).post(reverse("accounts:deactivate", args=[coordinator.pk]))
    coordinator.refresh_from_db()
    assert coordinator.is_active
    assert not coordinator.account_events.exists()


def test_the_account_list_shows_role_organisation_state_and_last_login(
    client_for, coordinator, centre_user, association_user, django_assert_max_num_queries
):
    client = client_for(coordinator)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("accounts:list")).content.decode()
    assert centre_user.get_full_name() in page and "Centre social de test" in page
    assert "jamais" in page  # the centre's staff never logged in
    assert "Créer un compte" in page


def test_account_list_queries_do_not_grow_with_accounts(
    client_for, coordinator, orgs, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    UserFactory.create_batch(20, organisation=orgs.centre, role=User.Role.CENTRE)
    client = client_for(coordinator)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("accounts:list")).content.decode()
    assert page.count("Centre social de test") == 20


def test_changing_ones_password_ends_the_other_sessions(centre_user):
    here, elsewhere = Client(), Client()
    login(here, centre_user.username, PASSWORD)
    login(elsewhere, centre_user.username, PASSWORD)
    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("password_change_done")
    assert logged_in(here)
    assert not logged_in(elsewhere)


def test_a_reset_password_ends_every_open_session(smtp, centre_user):
    elsewhere = Client()
    login(elsewhere, centre_user.username, PASSWORD)
    Client().post(reverse("password_reset"), {"email": centre_user.email})
    [mail] = smtp.to(centre_user.email)
    choose_password(Client(), smtp.link(mail))
    assert not logged_in(elsewhere)
