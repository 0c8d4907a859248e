"""What was sent stays as sent: a landlord's exported month is the same file whenever it is
downloaded again, adjustments entered later travel in batches of their own (each line reaches
the landlord once), every total shown agrees with the exported lines to the cent, and the
operator's file of a batch of requests is kept as it was sent."""

import csv
import datetime
import hashlib
import html as html_lib
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.urls import reverse

from neighborhoods.models import Dwelling, Household, Neighbourhood, User
from subscriptions import stats
from subscriptions.models import (
    Adjustment,
    ChargeExport,
    ExportedAdjustment,
    LandlordMonth,
    MonthTotal,
    Payer,
    RequestBatch,
    SentRequest,
    Subscription,
)
from subscriptions.services import (
    adjustment_create,
    charge_month_export,
    charges_generate,
    subscription_cancel,
)
from tests import factories as f

MONTH = "2013-02"
FEB = datetime.date(2013, 2, 1)
EXPORT = reverse("subscriptions:charges_export", args=[MONTH])
CONFIRM = reverse("subscriptions:charges_export_confirm", args=[MONTH])
PAGE = reverse("subscriptions:charges_month", args=[MONTH])


@pytest.fixture
def billed(running, tariff):
    """February 2013 billed: three €1 lines for the cast's landlord, one for the other one."""
    Neighbourhood.objects.filter(pk=running.other_nbh.pk).update(
        stage=Neighbourhood.Stage.RUNNING, launched_on=datetime.date(2012, 4, 1)
    )
    charges_generate(month=MONTH, by=User.objects.system())
    return running


def body(response):
    assert response.streaming, response
    return b"".join(response.streaming_content)


def rows(data: bytes):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))[1:]


def adjust(world, reason, amount="0.50", kind=Adjustment.Kind.CREDIT, dwelling=None):
    return adjustment_create(
        month=MONTH,
        dwelling=dwelling or world.dwelling,
        kind=kind,
        amount=amount,
        reason=reason,
        by=User.objects.system(),
    )


def export(client, world, **extra):
    return client.post(EXPORT, {"landlord": world.nbh.landlord_id, **extra})


def test_a_locked_month_is_the_same_file_after_an_adjustment_and_renames(
    billed, landlord_user, client_for
):
    client = client_for(landlord_user)
    first = body(export(client, billed, confirm="yes"))
    assert first.count(b"\r\n") == 1 + 3
    adjust(billed, "Logement muré")
    # Live data the file was written from changes too: it does not reach the file sent.
    Neighbourhood.objects.filter(pk=billed.nbh.pk).update(name="Kerourien renommé")
    Dwelling.objects.filter(pk=billed.dwelling.pk).update(reference="NOUVELLE-REF")
    again = body(export(client, billed))
    assert again == first
    assert again.count(b"\r\n") == 1 + 3
    stored = ChargeExport.objects.get()
    assert body(client.get(reverse("subscriptions:charges_export_file", args=[stored.pk]))) == (
        first
    )
    # The month page shows the file's SHA-256, which the landlord can check.
    digest = hashlib.sha256(first).hexdigest()
    assert stored.sha256 == digest
    assert digest in client.get(PAGE).content.decode()


def test_the_export_says_its_sha256_and_length(billed, landlord_user, client_for):
    response = export(client_for(landlord_user), billed, confirm="yes")
    data = body(response)
    assert response["X-Content-SHA256"] == hashlib.sha256(data).hexdigest()
    assert int(response["Content-Length"]) == len(data)
    assert response["Content-Disposition"] == (
        'attachment; filename="charges-2013-02-bailleur-de-test.csv"'
    )


def test_adjustments_after_the_lock_travel_in_batches_each_line_once(
    billed, landlord_user, client_for
):
    client = client_for(landlord_user)
    adjust(billed, "Avant l'export")
    files = [body(export(client, billed, confirm="yes"))]
    adjust(billed, "Après l'export, un")
    adjust(billed, "Après l'export, deux", kind=Adjustment.Kind.DEBIT, amount="2")
    page = html_lib.unescape(client.get(PAGE).content.decode())
    assert "Exporter 2 ajustements saisis depuis l'export" in page
    # A batch is confirmed like the month: without it, nothing is exported.
    response = export(client, billed, lot="ajustements")
    assert response.status_code == 302 and response["Location"].startswith(CONFIRM)
    assert ChargeExport.objects.count() == 1
    confirm = html_lib.unescape(client.get(response["Location"]).content.decode())
    assert "2 ajustements ne sont dans aucun fichier exporté" in confirm
    response = export(client, billed, lot="ajustements", confirm="yes")
    assert "ajustements-lot-2-exportes-le-" in response["Content-Disposition"]
    files.append(body(response))
    batch = rows(files[1])
    assert len(batch) == 2
    today = datetime.date.today().strftime("%d/%m/%Y")
    assert all(
        row[5].startswith(f"ajustements du mois 02/2013, lot 2 exporté le {today} – ajustement")
        for row in batch
    )
    # Nothing waits any more: a second batch is refused with a message.
    response = export(client, billed, lot="ajustements", confirm="yes")
    assert response.status_code == 302
    message = html_lib.unescape(client.get(response["Location"]).content.decode())
    assert "n'attend d'export : rien à exporter" in message
    adjust(billed, "Bien plus tard", dwelling=billed.dwellings[1])
    files.append(body(export(client, billed, lot="ajustements", confirm="yes")))
    # The union of the files: every charge line and every adjustment, exactly once.
    union = [row for data in files for row in rows(data)]
    charges = [(r[1], r[4]) for r in union if r[5] == "charge"]
    expected = sorted(
        (d.reference, "1,00") for d in Dwelling.objects.filter(neighbourhood=billed.nbh)
    )
    assert sorted(charges) == expected
    reasons = [r[5].rsplit("ajustement : ", 1)[1] for r in union if r[5] != "charge"]
    assert sorted(reasons) == sorted(Adjustment.objects.values_list("reason", flat=True))
    assert len(reasons) == Adjustment.objects.count() == 4
    assert [e.number for e in ChargeExport.objects.order_by("number")] == [1, 2, 3]
    # Each file is downloaded again as it was.
    for stored, data in zip(ChargeExport.objects.order_by("number"), files, strict=True):
        url = reverse("subscriptions:charges_export_file", args=[stored.pk])
        assert body(client.get(url)) == data


def test_an_open_month_has_no_batch_of_adjustments(billed, landlord_user, client_for):
    adjust(billed, "Avant l'export")
    client = client_for(landlord_user)
    response = export(client, billed, lot="ajustements", confirm="yes")
    assert response.status_code == 302
    assert "partiront avec lui" in html_lib.unescape(
        client.get(response["Location"]).content.decode()
    )
    assert not ChargeExport.objects.exists()
    assert not LandlordMonth.objects.filter(status=LandlordMonth.Status.EXPORTED).exists()


def test_an_adjustment_is_carried_by_one_file_only(billed):
    adjust(billed, "Avant l'export")
    stored = charge_month_export(
        month=MONTH, landlord=billed.nbh.landlord, by=User.objects.system()
    )
    with pytest.raises(IntegrityError):
        ExportedAdjustment.objects.create(export=stored, adjustment=Adjustment.objects.get())


def test_a_month_has_one_file_per_lot_number(billed):
    stored = charge_month_export(
        month=MONTH, landlord=billed.nbh.landlord, by=User.objects.system()
    )
    with pytest.raises(IntegrityError):
        ChargeExport.objects.create(
            landlord_month=stored.landlord_month,
            number=1,
            kind=ChargeExport.Kind.MONTH,
            amount=0,
            content=b"",
            sha256="",
            size=0,
            rows=0,
        )


def test_the_first_lot_is_the_month_and_the_others_adjustments(billed):
    stored = charge_month_export(
        month=MONTH, landlord=billed.nbh.landlord, by=User.objects.system()
    )
    with pytest.raises(IntegrityError):
        ChargeExport.objects.create(
            landlord_month=stored.landlord_month,
            number=2,
            kind=ChargeExport.Kind.MONTH,
            amount=0,
            content=b"",
            sha256="",
            size=0,
            rows=0,
        )


def test_a_month_locked_before_files_were_kept_gets_its_file_with_its_adjustments_then(
    billed, landlord_user, client_for
):
    # As a month exported by an earlier version: locked, no file kept.
    before = adjust(billed, "Avant l'export")
    lm = LandlordMonth.objects.get(charge_month__month=FEB, landlord=billed.nbh.landlord)
    LandlordMonth.objects.filter(pk=lm.pk).update(
        status=LandlordMonth.Status.EXPORTED, exported_at=before.created_at
    )
    adjust(billed, "Après l'export")
    client = client_for(landlord_user)
    # Before its first download, only the later adjustment waits for a batch.
    assert (
        html_lib.unescape(client.get(PAGE).content.decode()).count(
            "Exporter 1 ajustement saisi depuis l'export"
        )
        == 1
    )
    first = body(export(client, billed))
    assert [r[5] for r in rows(first)] == ["charge"] * 3 + ["ajustement : Avant l'export"]
    batch = body(export(client, billed, lot="ajustements", confirm="yes"))
    assert [r[5].endswith("ajustement : Après l'export") for r in rows(batch)] == [True]
    assert body(export(client, billed)) == first


def exported_total(client, world):
    """What the landlord's files say it owes, summed line by line."""
    export(client, world, confirm="yes")
    total = Decimal("0.00")
    for stored in ChargeExport.objects.filter(landlord_month__landlord=world.nbh.landlord):
        url = reverse("subscriptions:charges_export_file", args=[stored.pk])
        total += sum(Decimal(r[4].replace(",", ".")) for r in rows(body(client.get(url))))
    return total


def test_every_total_shown_agrees_with_the_exported_lines_to_the_cent(
    billed, landlord_user, client_for
):
    second = f.NeighbourhoodFactory(
        landlord=billed.nbh.landlord,
        centre=billed.nbh.centre,
        stage=Neighbourhood.Stage.RUNNING,
        launched_on=datetime.date(2012, 4, 1),
    )
    f.DwellingFactory.create_batch(2, neighbourhood=second)
    charges_generate(month=MONTH, by=User.objects.system())
    adjust(billed, "Logement muré", amount="0.35")
    adjust(billed, "Oubli", kind=Adjustment.Kind.DEBIT, amount="1.20")
    client = client_for(landlord_user)
    total = exported_total(client, billed)
    adjust(billed, "Après l'export", amount="0.05", dwelling=billed.dwellings[2])
    export(client, billed, lot="ajustements", confirm="yes")
    total = exported_total(client, billed)
    assert total == Decimal("5.00") - Decimal("0.35") + Decimal("1.20") - Decimal("0.05")
    page = client.get(PAGE)
    assert page.context["totals"]["total"] == total
    assert sum(b.total for b in page.context["summary"]) == total
    assert sum(fig.billed for fig in page.context["figures"]) == total
    confirm = client.get(CONFIRM)
    assert confirm.context["totals"]["total"] == total
    index = client.get(reverse("subscriptions:charges"))
    assert [t["amount"] for cm, t, _states in index.context["months"] if cm.month == FEB] == [total]
    mine = Neighbourhood.objects.filter(landlord=billed.nbh.landlord)
    kept = sum(t.amount for t in MonthTotal.objects.filter(month=FEB, neighbourhood__in=mine))
    assert kept == Decimal("5.00")  # the lines; adjustments are added on top, as above
    dashboard = stats.billed_by_month(list(mine), [FEB])
    assert sum(dashboard.values()) == total
    lots = ChargeExport.objects.filter(landlord_month__landlord=billed.nbh.landlord)
    assert sum(stored.amount for stored in lots) == total


def test_the_summary_counts_an_adjustment_of_a_neighbourhood_without_lines(
    billed, landlord_user, client_for
):
    # Such adjustments are refused now; one entered before stays, and the summary shows it
    # as the export does.
    empty = f.NeighbourhoodFactory(landlord=billed.nbh.landlord, centre=billed.nbh.centre)
    dwelling = f.DwellingFactory(neighbourhood=empty)
    Adjustment.objects.create(
        charge_month=LandlordMonth.objects.get(landlord=billed.nbh.landlord).charge_month,
        dwelling=dwelling,
        neighbourhood=empty,
        kind=Adjustment.Kind.DEBIT,
        amount=Decimal("2.00"),
        payer=Payer.LANDLORD,
        reason="Saisi avant les contrôles",
    )
    client = client_for(landlord_user)
    total = exported_total(client, billed)
    assert total == Decimal("5.00")
    page = client.get(PAGE)
    assert page.context["totals"]["total"] == total
    assert [b.name for b in page.context["summary"]] == sorted([billed.nbh.name, empty.name])


# --- What goes to the operator -----------------------------------------------------------------


@pytest.fixture
def requests(running):
    second = f.HouseholdFactory(name="Famille Kervella", phone="0298000002")
    f.OccupancyFactory(household=second, dwelling=running.dwellings[1])
    subs = [
        Subscription.objects.create(
            dwelling=dwelling,
            household=household,
            channel=Subscription.Channel.PHONE,
            requested_on=datetime.date(2013, 1, 10),
        )
        for dwelling, household in [
            (running.dwelling, running.household),
            (running.dwellings[1], second),
        ]
    ]
    return subs


def test_a_sent_batch_is_the_same_file_whatever_changes_afterwards(
    running, requests, landlord_user, client_for
):
    client = client_for(landlord_user)
    response = client.post(
        reverse("subscriptions:requests_mark_sent"), {"up_to": requests[-1].pk}, follow=True
    )
    batch = RequestBatch.objects.get()
    url = reverse("subscriptions:requests_batch_file", args=[batch.pk])
    assert url in response.content.decode()  # the message links to the file sent
    assert batch.sha256 in response.content.decode()  # and the list shows its SHA-256
    sent = body(client.get(url))
    assert hashlib.sha256(sent).hexdigest() == batch.sha256
    assert [r[7] for r in rows(sent)] == ["Famille Le Goff", "Famille Kervella"]
    assert set(SentRequest.objects.values_list("subscription", flat=True)) == {
        s.pk for s in requests
    }
    # Later changes of the household, the dwelling or the request do not reach the file sent.
    Household.objects.filter(pk=running.household.pk).update(name="Famille Renommée", phone="06")
    Dwelling.objects.filter(pk=running.dwelling.pk).update(address="1 rue Nouvelle")
    subscription_cancel(
        subscription=requests[1],
        by=User.objects.system(),
        cancelled_on=datetime.date(2013, 2, 1),
        reason="Parti",
    )
    assert body(client.get(url)) == sent
    # A request already sent is in no later batch.
    client.post(reverse("subscriptions:requests_mark_sent"), {"up_to": requests[-1].pk})
    assert RequestBatch.objects.count() == 1


def test_a_request_is_carried_by_one_batch_only(running, requests, landlord_user, client_for):
    client_for(landlord_user).post(
        reverse("subscriptions:requests_mark_sent"), {"up_to": requests[0].pk}
    )
    other = RequestBatch.objects.create(content=b"", sha256="", size=0, rows=0)
    with pytest.raises(IntegrityError):
        SentRequest.objects.create(batch=other, subscription=requests[0])


def test_another_organisations_batch_is_not_found(
    running, requests, landlord_user, coordinator, client_for
):
    client_for(coordinator).post(
        reverse("subscriptions:requests_mark_sent"), {"up_to": requests[-1].pk}
    )
    batch = RequestBatch.objects.get()
    url = reverse("subscriptions:requests_batch_file", args=[batch.pk])
    assert client_for(landlord_user).get(url).status_code == 404
    assert client_for(coordinator).get(url).status_code == 200
