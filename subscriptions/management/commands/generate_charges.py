"""`manage.py generate_charges --month YYYY-MM`: the monthly €1 charge run, from a shell or cron."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from neighborhoods.models import User
from subscriptions.exports import money
from subscriptions.models import Charge
from subscriptions.services import ChargeError, charges_generate


class Command(BaseCommand):
    help = _(
        "Génère les lignes de charge du mois (une par logement des quartiers en service au 1er). "
        "Idempotent : une nouvelle exécution n'ajoute que les lignes manquantes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help=_("Mois à facturer, AAAA-MM."))

    def handle(self, *args, month, **options):
        try:
            run = charges_generate(month=month, by=User.objects.system())
        except ChargeError as exc:
            raise CommandError(str(exc)) from exc
        total = Charge.objects.filter(month=run.charge_month.month).count()
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "%(m)s : %(n)d ligne ajoutée pour %(a)s € (tarif %(t)s €), en %(ms)d ms.",
                    "%(m)s : %(n)d lignes ajoutées pour %(a)s € (tarif %(t)s €), en %(ms)d ms.",
                    run.lines_added,
                )
                % {
                    "m": run.charge_month,
                    "n": run.lines_added,
                    "a": money(run.amount_added),
                    "t": money(run.tariff.amount),
                    "ms": run.duration_ms,
                }
            )
        )
        self.stdout.write(_("Lignes du mois en tout : %(n)d.") % {"n": total})
