"""Load the Brest demo: the programme as the January 2014 article tells it, at the end of
February 2014, just after Valy-Hir's launch.

Each app contributes its part in a `demo.py` module with a `load(ctx)` function; they run in the
order of INSTALLED_APPS (neighbourhoods first), inside one transaction. Running the command
twice changes nothing: every loader looks for what it would create before creating it.
"""

import importlib
import importlib.util
import secrets
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

DEMO_DATE = date(2014, 2, 28)
PASSWORD_FILE = Path(settings.BASE_DIR) / ".demo-password"


@dataclass
class DemoContext:
    """What the app loaders share: the demo's date, the password, and a way to report progress."""

    command: BaseCommand
    password: str
    today: date = DEMO_DATE
    objects: dict = field(default_factory=dict)

    def progress(self, message):
        self.command.stdout.write(f"  · {message}")
        self.command.stdout.flush()


def demo_password():
    """DEMO_PASSWORD, else the one generated at the first load (kept in .demo-password)."""
    if settings.DEMO_PASSWORD:
        return settings.DEMO_PASSWORD, False
    if PASSWORD_FILE.exists():
        return PASSWORD_FILE.read_text().strip(), False
    password = secrets.token_urlsafe(12)
    PASSWORD_FILE.write_text(password + "\n")
    PASSWORD_FILE.chmod(0o600)
    return password, True


class Command(BaseCommand):
    help = _("Charge les données de démonstration de Brest (février 2014). Idempotent.")

    def handle(self, *args, **options):
        password, generated = demo_password()
        ctx = DemoContext(command=self, password=password)
        started = time.monotonic()
        with transaction.atomic():
            for app_config in apps.get_app_configs():
                module_name = f"{app_config.name}.demo"
                if importlib.util.find_spec(module_name) is None:
                    continue
                self.stdout.write(self.style.MIGRATE_HEADING(str(app_config.verbose_name)))
                importlib.import_module(module_name).load(ctx)
        self.stdout.write(
            self.style.SUCCESS(_("Démo chargée en %(s).1f s.") % {"s": time.monotonic() - started})
        )
        self.stdout.write("")
        self.stdout.write(_("Comptes de démonstration (http://127.0.0.1:8000/) :"))
        for username, label in ctx.objects.get("demo_logins", []):
            self.stdout.write(f"  {username:<14} {label}")
        api_tokens = ctx.objects.get("demo_api_tokens", [])
        if api_tokens:
            self.stdout.write(
                _("Jetons de l'API des partenaires (http://127.0.0.1:8000/api/v1/docs/) :")
            )
            for organisation, token in api_tokens:
                self.stdout.write(f"  {organisation:<24} {token}")
        if generated:
            self.stdout.write(
                _("Mot de passe (généré, gardé dans .demo-password) : %(p)s") % {"p": password}
            )
        elif settings.DEMO_PASSWORD:
            self.stdout.write(_("Mot de passe : celui de DEMO_PASSWORD."))
        else:
            self.stdout.write(
                _("Mot de passe (gardé dans .demo-password) : %(p)s") % {"p": password}
            )
