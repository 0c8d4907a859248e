"""CSV exports for the landlord and the operator, written for a French spreadsheet.

`;` separator, UTF-8 with a byte-order mark (so that Excel reads the accents), decimal comma.
Rows are produced by generators reading the database in chunks: a month of a million lines is
never held in memory, in the web response as in the management command.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from brest_internet.common.files import neutralise_row

from .models import Adjustment, Charge, Payer, Subscription

BOM = "\ufeff"
CHUNK = 2000


class _Line:
    """A file-like object that hands back what csv.writer writes, one row at a time."""

    def write(self, value):
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    yield BOM + writer.writerow(neutralise_row(header))
    for row in rows:
        # Names, addresses, references and reasons are typed by people: none may reach the
        # landlord's or the operator's spreadsheet as a formula.
        yield writer.writerow(neutralise_row(row))


def money(value) -> str:
    return f"{value:.2f}".replace(".", ",")


CHARGE_HEADER = ["mois", "référence logement", "quartier", "payeur", "montant", "nature"]


def charge_rows(month: datetime.date, neighbourhoods) -> Iterator[list[str]]:
    """One row per charge line of `month`, then one per adjustment (signed, with its reason)."""
    label = month.strftime("%Y-%m")
    payers = dict(Payer.choices)
    lines = (
        Charge.objects.filter(month=month, neighbourhood__in=neighbourhoods)
        .order_by("neighbourhood__name", "dwelling__reference")
        .values_list("dwelling__reference", "neighbourhood__name", "payer", "amount")
        .iterator(chunk_size=CHUNK)
    )
    charge = str(_("charge"))
    for reference, nbh, payer, amount in lines:
        yield [label, reference, nbh, str(payers[payer]), money(amount), charge]
    adjustments = (
        Adjustment.objects.filter(charge_month__month=month, neighbourhood__in=neighbourhoods)
        .order_by("created_at", "id")
        .values_list(
            "dwelling__reference", "neighbourhood__name", "payer", "amount", "kind", "reason"
        )
        .iterator(chunk_size=CHUNK)
    )
    for reference, nbh, payer, amount, kind, reason in adjustments:
        signed = -amount if kind == Adjustment.Kind.CREDIT else amount
        nature = _("ajustement : %(reason)s") % {"reason": reason}
        yield [label, reference, nbh, str(payers[payer]), money(signed), nature]


def charge_csv(month: datetime.date, neighbourhoods) -> Iterator[str]:
    return csv_lines(CHARGE_HEADER, charge_rows(month, neighbourhoods))


REQUEST_HEADER = [
    "numéro de demande",
    "demandé le",
    "quartier",
    "référence logement",
    "adresse",
    "bâtiment",
    "entrée",
    "foyer",
    "téléphone",
    "canal",
]


def request_rows(subscriptions) -> Iterator[list[str]]:
    """The connection requests to send to the operator."""
    channels = dict(Subscription.Channel.choices)
    rows = subscriptions.order_by("id").values_list(
        "id",
        "requested_on",
        "dwelling__neighbourhood__name",
        "dwelling__reference",
        "dwelling__address",
        "dwelling__building",
        "dwelling__entrance",
        "household__name",
        "household__phone",
        "channel",
    )
    for pk, on, nbh, ref, address, building, entrance, name, phone, channel in rows.iterator(
        chunk_size=CHUNK
    ):
        yield [
            pk,
            on.strftime("%d/%m/%Y"),
            nbh,
            ref,
            address,
            building,
            entrance,
            name,
            phone,
            str(channels.get(channel, channel)),
        ]


def request_csv(subscriptions) -> Iterator[str]:
    return csv_lines(REQUEST_HEADER, request_rows(subscriptions))
