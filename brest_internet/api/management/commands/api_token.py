"""Make a partner organisation's API token and print it (once: only its hash is kept)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from neighborhoods.models import Organisation, User

from ... import services


class Command(BaseCommand):
    help = _("Crée le jeton d'API d'une organisation partenaire et l'affiche (une seule fois).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation", required=True, help=_("nom (ou sigle) de l'organisation")
        )
        parser.add_argument(
            "--revoke",
            action="store_true",
            help=_("révoquer d'abord le jeton en vigueur de l'organisation"),
        )

    def handle(self, *args, organisation, revoke=False, **options):
        org = (
            Organisation.objects.filter(name=organisation).first()
            or Organisation.objects.filter(short_name=organisation).first()
        )
        if org is None:
            raise CommandError(
                _("Aucune organisation ne s'appelle « %(n)s ».") % {"n": organisation}
            )
        system = User.objects.system()
        if revoke:
            for token in org.api_tokens.active():
                services.token_revoke(token=token, by=system)
        try:
            created = services.token_create(organisation=org, by=system)
        except services.TokenError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(
            _("Jeton de %(org)s (affiché une seule fois, seule son empreinte est gardée) :")
            % {"org": org}
        )
        self.stdout.write(created.secret)
