"""Money within bounds: an adjustment corrects a line that was billed, for a reason, by a sane
amount, and a credit never gives back more than the dwelling owes for the month. One-row rules
are database constraints; the rule spanning rows (earlier credits) is the service's, under the
landlord month's lock. The page and the admin go through the same service."""

import datetime
import html as html_lib
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections
from django.urls import reverse

from neighborhoods.models import Neighbourhood, Organisation, User
from subscriptions.models import ADJUSTMENT_MAX, Adjustment, ChargeMonth, Offer, Payer, Tariff
from subscriptions.services import ChargeError, adjustment_create, charges_generate
from tests import factories as f

MONTH = "2013-02"


@pytest.fixture
def billed(running, tariff):
    charges_generate(month=MONTH, by=User.objects.system())
    return running


def adjust(world, kind, amount, reason="Correction", dwelling=None):
    return adjustment_create(
        month=MONTH,
        dwelling=dwelling or world.dwelling,
        kind=kind,
        amount=amount,
        reason=reason,
        by=User.objects.system(),
    )


def test_a_credit_larger_than_the_line_is_refused(billed):
    # Today's report: a -5 € credit on a 1 € line was accepted.
    with pytest.raises(ChargeError, match=r"Cet avoir de 5,00 € dépasse .* \(1,00 €"):
        adjust(billed, Adjustment.Kind.CREDIT, "5")
    assert not Adjustment.objects.exists()


def test_credits_never_take_the_month_below_zero(billed):
    adjust(billed, Adjustment.Kind.CREDIT, "0.60")
    with pytest.raises(ChargeError, match=r"\(0,40 €"):
        adjust(billed, Adjustment.Kind.CREDIT, "0.41")
    adjust(billed, Adjustment.Kind.CREDIT, "0.40")
    with pytest.raises(ChargeError, match=r"\(0,00 €"):
        adjust(billed, Adjustment.Kind.CREDIT, "0.01")
    # A debit adds to what is owed, which a later credit may take back.
    adjust(billed, Adjustment.Kind.DEBIT, "2")
    adjust(billed, Adjustment.Kind.CREDIT, "2")
    assert Adjustment.objects.count() == 4
    # Another dwelling's credits are its own.
    adjust(billed, Adjustment.Kind.CREDIT, "1", dwelling=billed.dwellings[1])


def test_an_amount_above_the_maximum_is_refused(billed):
    # Today's report: a +250 € debit was accepted.
    with pytest.raises(ChargeError, match="ne dépasse pas 100,00 €"):
        adjust(billed, Adjustment.Kind.DEBIT, "250")
    assert adjust(billed, Adjustment.Kind.DEBIT, ADJUSTMENT_MAX).amount == Decimal("100.00")
    assert Adjustment.objects.count() == 1


def test_an_adjustment_needs_the_dwellings_own_line(billed):
    # Its neighbourhood was billed, but this dwelling came into the register afterwards.
    late = f.DwellingFactory(neighbourhood=billed.nbh)
    with pytest.raises(ChargeError, match="n'a pas été facturé pour ce logement"):
        adjust(billed, Adjustment.Kind.DEBIT, "1", dwelling=late)
    assert not Adjustment.objects.exists()


def row(**changes):
    cm = ChargeMonth.objects.get()
    line = cm.runs.get().charges.first()
    values = {
        "charge_month": cm,
        "dwelling_id": line.dwelling_id,
        "neighbourhood_id": line.neighbourhood_id,
        "kind": Adjustment.Kind.DEBIT,
        "amount": Decimal("1.00"),
        "payer": Payer.LANDLORD,
        "reason": "Oubli",
        **changes,
    }
    return Adjustment.objects.create(**values)


@pytest.mark.parametrize("amount", ["0", "-1.00"])
def test_the_database_refuses_an_amount_not_above_zero(billed, amount):
    with pytest.raises(IntegrityError):
        row(amount=Decimal(amount))


def test_the_database_refuses_an_amount_above_the_maximum(billed):
    row(amount=ADJUSTMENT_MAX)
    with pytest.raises(IntegrityError):
        row(amount=ADJUSTMENT_MAX + Decimal("0.01"))


@pytest.mark.parametrize("reason", ["", "   "])
def test_the_database_refuses_an_adjustment_without_reason(billed, reason):
    with pytest.raises(IntegrityError):
        row(reason=reason)


def post(client, **data):
    return client.post(
        reverse("subscriptions:adjustment_create", args=[MONTH]),
        {"kind": "credit", "amount": "1", "reason": "Logement muré", **data},
    )


@pytest.mark.parametrize(
    "data, message",
    [
        ({"amount": "5"}, "Cet avoir de 5,00 € dépasse"),
        ({"kind": "debit", "amount": "250"}, "Un ajustement ne dépasse pas 100,00 €"),
        ({"reason": "   "}, "Ce champ est obligatoire."),
    ],
)
def test_the_page_shows_the_refusal_in_french_and_writes_nothing(
    billed, landlord_user, client_for, data, message
):
    data.setdefault("dwelling", billed.dwelling.reference)
    response = post(client_for(landlord_user), **data)
    assert response.status_code == 200
    assert message in html_lib.unescape(response.content.decode())
    assert not Adjustment.objects.exists()


def test_the_admin_cannot_add_or_change_an_adjustment(billed, coordinator, client_for):
    client = client_for(coordinator)
    assert client.get(reverse("admin:subscriptions_adjustment_add")).status_code == 403
    credit = adjust(billed, Adjustment.Kind.CREDIT, "1")
    change = reverse("admin:subscriptions_adjustment_change", args=[credit.pk])
    assert client.post(change, {"amount": "250"}).status_code == 403
    credit.refresh_from_db()
    assert credit.amount == Decimal("1.00")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent transactions need PostgreSQL (set DATABASE_URL=postgres://…)",
)
@pytest.mark.django_db(transaction=True)
def test_two_credits_at_once_never_take_back_more_than_the_line():
    operator = f.OrganisationFactory(name="Numericable", kind=Organisation.Kind.OPERATOR)
    offer = Offer.objects.create(operator=operator, name="NUMERISUN")
    Tariff.objects.create(offer=offer, amount=Decimal("1.00"), starts_on=datetime.date(2010, 1, 1))
    nbh = f.NeighbourhoodFactory(
        stage=Neighbourhood.Stage.RUNNING, launched_on=datetime.date(2012, 4, 1)
    )
    dwelling = f.DwellingFactory(neighbourhood=nbh)
    charges_generate(month=MONTH, by=User.objects.system())
    barrier = threading.Barrier(4)
    done, refused, errors = [], [], []

    def credit():
        try:
            barrier.wait()
            adjustment_create(
                month=MONTH,
                dwelling=dwelling,
                kind=Adjustment.Kind.CREDIT,
                amount="0.60",
                reason="Logement muré",
                by=User.objects.system(),
            )
            done.append(1)
        except ChargeError:
            refused.append(1)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=credit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert (len(done), len(refused)) == (1, 3)
    assert Adjustment.objects.get().amount == Decimal("0.60")
