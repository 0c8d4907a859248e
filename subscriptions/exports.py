"""CSV exports for the landlord and the operator, written for a French spreadsheet.

`;` separator, UTF-8 with a byte-order mark (so that Excel reads the accents), decimal comma.
Rows are produced by generators reading the database in chunks: a month of a million lines is
never held in memory, in the web response as in the management command.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

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


def charge_rows(
    month: datetime.date, neighbourhoods, *, adjustments=None, with_charges=True, batch=None
) -> Iterator[list[str]]:
    """One row per charge line of `month`, then one per adjustment (signed, with its reason).

    `adjustments` (a queryset) narrows the adjustments to those the file carries; without
    `with_charges`, the file is a batch of adjustments only, each marked with `batch` (the
    text saying which batch of which month, and when it was exported).
    """
    label = month.strftime("%Y-%m")
    payers = dict(Payer.choices)
    if adjustments is None:
        adjustments = Adjustment.objects.filter(
            charge_month__month=month, neighbourhood__in=neighbourhoods
        )
    lines = (
        Charge.objects.filter(month=month, neighbourhood__in=neighbourhoods)
        .order_by("neighbourhood__name", "dwelling__reference")
        .values_list("dwelling__reference", "neighbourhood__name", "payer", "amount")
        .iterator(chunk_size=CHUNK)
    )
    charge = str(_("charge"))
    for reference, nbh, payer, amount in lines if with_charges else ():
        yield [label, reference, nbh, str(payers[payer]), money(amount), charge]
    adjustments = (
        adjustments.order_by("created_at", "id")
        .values_list(
            "dwelling__reference", "neighbourhood__name", "payer", "amount", "kind", "reason"
        )
        .iterator(chunk_size=CHUNK)
    )
    for reference, nbh, payer, amount, kind, reason in adjustments:
        signed = -amount if kind == Adjustment.Kind.CREDIT else amount
        nature = _("ajustement : %(reason)s") % {"reason": reason}
        if batch:
            nature = f"{batch} – {nature}"
        yield [label, reference, nbh, str(payers[payer]), money(signed), nature]


def charge_csv(month: datetime.date, neighbourhoods, **kwargs) -> Iterator[str]:
    return csv_lines(CHARGE_HEADER, charge_rows(month, neighbourhoods, **kwargs))


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


# --- Files kept as sent ----------------------------------------------------------------------

GZIP = 31  # zlib's wbits for a gzip stream: the stored copy opens with any gunzip


@dataclass
class Frozen:
    """A file written once: its compressed bytes, SHA-256 (of the file itself), size, rows."""

    content: bytes
    sha256: str
    size: int
    rows: int


def freeze(lines: Iterable[str]) -> Frozen:
    """Encode, fingerprint and compress a file as its lines come (the header is the first)."""
    digest, packer = hashlib.sha256(), zlib.compressobj(9, zlib.DEFLATED, GZIP)
    parts, size, count = [], 0, 0
    for line in lines:
        data = line.encode("utf-8")
        digest.update(data)
        size += len(data)
        count += 1
        parts.append(packer.compress(data))
    parts.append(packer.flush())
    return Frozen(b"".join(parts), digest.hexdigest(), size, max(count - 1, 0))


def thaw(content, chunk: int = 256 * 1024) -> Iterator[bytes]:
    """The bytes of a frozen file, decompressed piece by piece."""
    content = memoryview(bytes(content))
    unpacker = zlib.decompressobj(GZIP)
    for start in range(0, len(content), chunk):
        data = unpacker.decompress(content[start : start + chunk])
        if data:
            yield data
    rest = unpacker.flush()
    if rest:
        yield rest
