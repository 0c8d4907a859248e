"""The foundation: settings that refuse an unsafe production, roles, language, demo accounts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse

from neighborhoods.models import Organisation, User
from neighborhoods.roles import GROUP_NAMES

BASE_DIR = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    """Run manage.py in a clean environment (no .env, no pytest), as production would."""
    clean = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    clean.update({"READ_DOT_ENV": "0", "TESTING": "0", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DEBUG="False", ALLOWED_HOSTS="internet.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is missing" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", DEBUG="False", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is missing" in result.stderr


def test_deploy_check_reports_no_issue_with_production_variables():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="False",
        SECRET_KEY="a-long-random-production-key-" + "k3y" * 20,
        ALLOWED_HOSTS="internet.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_a_proxy_deployment_can_turn_the_redirect_off():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.SECURE_SSL_REDIRECT, settings.SECURE_PROXY_SSL_HEADER, "
        "settings.SESSION_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS)",
        DEBUG="False",
        SECRET_KEY="k" * 60,
        ALLOWED_HOSTS="internet.example.org",
        SECURE_SSL_REDIRECT="False",
        SECURE_PROXY_SSL_HEADER_ENABLED="True",
    )
    assert result.returncode == 0, result.stderr
    assert "False ('HTTP_X_FORWARDED_PROTO', 'https') True 31536000" in result.stdout


def test_a_laptop_runs_on_sqlite_without_any_environment():
    result = run_manage(
        "shell", "-c", "from django.db import connection; print(connection.vendor)", DEBUG="1"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("sqlite")


@pytest.mark.django_db
def test_the_four_roles_are_groups_with_permissions():
    for role, name in GROUP_NAMES.items():
        group = Group.objects.get(name=name)
        assert group.permissions.exists(), role
    coordinator = Group.objects.get(name=GROUP_NAMES["coordinator"])
    assert coordinator.permissions.filter(codename="change_neighbourhood").exists()
    association = Group.objects.get(name=GROUP_NAMES["association"])
    assert not association.permissions.filter(codename="change_dwelling").exists()


@pytest.mark.django_db
def test_a_user_with_a_role_must_belong_to_an_organisation():
    with pytest.raises(IntegrityError):
        User.objects.create(username="sans-orga", role=User.Role.CENTRE)


@pytest.mark.django_db
def test_changing_a_role_moves_the_user_to_its_group(orgs):
    user = User.objects.create(username="u", organisation=orgs.centre, role=User.Role.CENTRE)
    user.sync_role_group()
    assert list(user.groups.values_list("name", flat=True)) == [GROUP_NAMES["centre"]]
    user.role = User.Role.LANDLORD
    user.sync_role_group()
    assert list(user.groups.values_list("name", flat=True)) == [GROUP_NAMES["landlord"]]


@pytest.mark.django_db
def test_pages_are_in_french_by_default(client_for, coordinator):
    response = client_for(coordinator).get(reverse("home"))
    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()
    assert "Se déconnecter" in response.content.decode()


@pytest.mark.django_db
def test_english_is_the_second_language(client_for, coordinator):
    client = client_for(coordinator)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in page
    assert "Log out" in page


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_login_with_the_form_lands_on_home(client, coordinator):
    response = client.post(
        reverse("login"), {"username": coordinator.username, "password": "motdepasse-de-test"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_wrong_password_gives_a_french_message_and_no_session(client, coordinator):
    response = client.post(reverse("login"), {"username": coordinator.username, "password": "x"})
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_home_shows_each_role_only_its_neighbourhoods(client_for, world, centre_user):
    page = client_for(centre_user).get(reverse("home")).content.decode()
    assert world.nbh.name in page
    assert world.other_nbh.name not in page


@pytest.mark.django_db
def test_health_check_answers_without_a_session(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_demo_accounts_use_demo_password(settings, tmp_path, monkeypatch):
    from neighborhoods.management.commands import load_brest_demo

    settings.DEMO_PASSWORD = "un-mot-de-passe-de-demo"
    monkeypatch.setattr(load_brest_demo, "PASSWORD_FILE", tmp_path / ".demo-password")
    call_command("load_brest_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    for username in ("coordinatrice", "bailleur", "animateur", "association"):
        assert User.objects.get(username=username).check_password("un-mot-de-passe-de-demo")
    animateur = User.objects.get(username="animateur")
    assert animateur.organisation.kind == Organisation.Kind.CENTRE
    assert animateur.organisation.served_neighbourhoods.filter(name="Kerourien").exists()


@pytest.mark.django_db
def test_demo_without_password_generates_one_and_prints_it(settings, tmp_path, monkeypatch):
    from io import StringIO

    from neighborhoods.management.commands import load_brest_demo

    settings.DEMO_PASSWORD = ""
    monkeypatch.setattr(load_brest_demo, "PASSWORD_FILE", tmp_path / ".demo-password")
    out = StringIO()
    call_command("load_brest_demo", stdout=out)
    password = (tmp_path / ".demo-password").read_text().strip()
    assert len(password) >= 12
    assert password in out.getvalue()
    assert User.objects.get(username="coordinatrice").check_password(password)
