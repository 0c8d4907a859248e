"""Pages of subscriptions and charges: scope, transitions, exports, constant query counts."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from neighborhoods.models import Dwelling, Neighbourhood, User
from subscriptions.models import Adjustment, LandlordMonth, Subscription
from subscriptions.services import charges_generate
from tests import factories as f

D = datetime.date


def make_subscriptions(nbh, n, status=Subscription.Status.ACTIVE):
    subs = []
    for _ in range(n):
        occ = f.OccupancyFactory(dwelling=f.DwellingFactory(neighbourhood=nbh))
        subs.append(
            Subscription.objects.create(
                dwelling=occ.dwelling,
                household=occ.household,
                channel="phone",
                status=status,
                requested_on=D(2012, 5, 1),
                sent_on=D(2012, 5, 2),
                activated_on=D(2012, 5, 10) if status == "active" else None,
                modem_serial="NC-1" if status == "active" else "",
            )
        )
    return subs


@pytest.fixture
def sub(running):
    return Subscription.objects.create(
        dwelling=running.dwelling,
        household=running.household,
        channel="centre",
        requested_on=D(2013, 1, 10),
    )


@pytest.fixture
def other_sub(running):
    Neighbourhood.objects.filter(pk=running.other_nbh.pk).update(
        stage=Neighbourhood.Stage.RUNNING, launched_on=D(2012, 4, 1)
    )
    return Subscription.objects.create(
        dwelling=running.other_dwelling,
        household=running.other_household,
        channel="phone",
        requested_on=D(2013, 1, 10),
    )


def test_list_queries_do_not_grow_with_rows(
    running, landlord_user, client_for, django_assert_max_num_queries
):
    client = client_for(landlord_user)
    make_subscriptions(running.nbh, 3)
    with django_assert_max_num_queries(12) as small:
        assert client.get(reverse("subscriptions:list")).status_code == 200
    make_subscriptions(running.nbh, 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("subscriptions:list"))
    assert response.context["listed"] == {"n": 33, "more": False}


def test_list_filters_by_status_and_neighbourhood(running, coordinator, client_for, sub, other_sub):
    client = client_for(coordinator)
    response = client.get(reverse("subscriptions:list"), {"neighbourhood": running.nbh.pk})
    assert list(response.context["page"]) == [sub]
    response = client.get(reverse("subscriptions:list"), {"status": "active"})
    assert list(response.context["page"]) == []


def test_centre_sees_only_its_centres_subscriptions(centre_user, client_for, sub, other_sub):
    client = client_for(centre_user)
    response = client.get(reverse("subscriptions:list"))
    assert list(response.context["page"]) == [sub]
    assert client.get(reverse("subscriptions:detail", args=[other_sub.pk])).status_code == 404


def test_another_landlord_cannot_act_on_a_subscription(other_landlord_user, client_for, sub):
    client = client_for(other_landlord_user)
    assert client.get(reverse("subscriptions:detail", args=[sub.pk])).status_code == 404
    url = reverse("subscriptions:send", args=[sub.pk])
    assert client.post(url, {"sent_on": "2013-01-11"}).status_code == 404
    sub.refresh_from_db()
    assert sub.status == Subscription.Status.REQUESTED


def test_centre_cannot_move_a_subscription_on(centre_user, client_for, sub):
    url = reverse("subscriptions:activate", args=[sub.pk])
    response = client_for(centre_user).post(
        url, {"activated_on": "2013-02-01", "modem_serial": "X"}
    )
    assert response.status_code == 403


def test_centre_records_a_request_by_dwelling_reference(running, centre_user, client_for):
    response = client_for(centre_user).post(
        reverse("subscriptions:create"),
        {"dwelling": running.dwelling.reference.lower(), "channel": "centre"},
    )
    sub = Subscription.objects.get()
    assert response.status_code == 302
    assert sub.household == running.household
    assert sub.requested_by == centre_user


def test_request_form_shows_refusals(running, centre_user, client_for, sub):
    client = client_for(centre_user)
    response = client.post(
        reverse("subscriptions:create"),
        {"dwelling": running.dwelling.reference, "channel": "phone"},
    )
    assert "déjà un abonnement en cours" in response.content.decode()
    response = client.post(
        reverse("subscriptions:create"),
        {"dwelling": running.other_dwelling.reference, "channel": "phone"},
    )
    assert "Aucun logement de référence" in response.content.decode()
    assert Subscription.objects.count() == 1


def test_transitions_from_the_detail_page(landlord_user, client_for, sub):
    client = client_for(landlord_user)
    client.post(reverse("subscriptions:send", args=[sub.pk]), {"sent_on": "2013-01-12"})
    client.post(
        reverse("subscriptions:activate", args=[sub.pk]),
        {"activated_on": "2013-02-01", "modem_serial": "NC-778"},
    )
    sub.refresh_from_db()
    assert (sub.status, sub.modem_serial) == ("active", "NC-778")
    # Cancelling before the activation is refused, with the message shown.
    response = client.post(
        reverse("subscriptions:cancel", args=[sub.pk]),
        {"cancelled_on": "2013-01-20", "reason": "Erreur"},
        follow=True,
    )
    assert "précède l&#x27;activation" in response.content.decode()
    sub.refresh_from_db()
    assert sub.status == "active"
    client.post(
        reverse("subscriptions:cancel", args=[sub.pk]),
        {"cancelled_on": "2013-06-30", "reason": "Déménagement"},
    )
    sub.refresh_from_db()
    assert sub.status == "cancelled"
    assert [h.status for h in sub.history.order_by("history_date")] == [
        "requested",
        "sent",
        "active",
        "cancelled",
    ]
    response = client.get(reverse("subscriptions:detail", args=[sub.pk]))
    assert response.status_code == 200


def test_operator_list_then_mark_sent(running, landlord_user, client_for, sub, other_sub):
    client = client_for(landlord_user)
    response = client.get(reverse("subscriptions:requests_csv"))
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffnuméro de demande;demandé le;quartier")
    assert running.dwelling.reference in body
    assert running.other_dwelling.reference not in body  # another landlord's
    client.post(reverse("subscriptions:requests_mark_sent"), {"up_to": sub.pk})
    sub.refresh_from_db()
    other_sub.refresh_from_db()
    assert sub.status == "sent"
    assert other_sub.status == "requested"


def test_rate_page_queries_are_constant(
    running, centre_user, client_for, django_assert_max_num_queries
):
    client = client_for(centre_user)
    make_subscriptions(running.nbh, 3)
    with django_assert_max_num_queries(12) as small:
        response = client.get(reverse("subscriptions:rate"))
    assert response.status_code == 200
    make_subscriptions(running.nbh, 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("subscriptions:rate"))
    last = response.context["series"][0].points[-1]
    assert last.active == 33


# --- Charges ---------------------------------------------------------------------------------


def test_generate_from_the_web(running, tariff, landlord_user, client_for, job_queue):
    client = client_for(landlord_user)
    # Queued (PostgreSQL) or already run (SQLite), then shown on the job's page.
    response = client.post(reverse("subscriptions:charges_generate"), {"month": "2013-02"})
    job_queue.run_all()
    response = client.get(response.url)
    assert "3 lignes ajoutées" in response.content.decode()
    response = client.post(
        reverse("subscriptions:charges_generate"), {"month": "2099-02"}, follow=True
    )
    assert "n&#x27;a pas commencé" in response.content.decode()
    response = client.post(
        reverse("subscriptions:charges_generate"), {"month": "fevrier"}, follow=True
    )
    assert "AAAA-MM" in response.content.decode()


def test_month_page_queries_are_constant(
    running, tariff, coordinator, client_for, django_assert_max_num_queries
):
    charges_generate(month="2013-02", by=User.objects.system())
    client = client_for(coordinator)
    url = reverse("subscriptions:charges_month", args=["2013-02"])
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    f.DwellingFactory.create_batch(30, neighbourhood=running.nbh)
    make_subscriptions(running.nbh, 5)
    charges_generate(month="2013-02", by=User.objects.system())
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.context["totals"]["dwellings"] == 3 + 30 + 5
    assert client.get(reverse("subscriptions:charges")).status_code == 200


def test_month_page_summary_matches_payers(running, tariff, coordinator, client_for):
    Dwelling.objects.filter(pk=running.dwellings[2].pk).update(status="vacant")
    charges_generate(month="2013-02", by=User.objects.system())
    response = client_for(coordinator).get(reverse("subscriptions:charges_month", args=["2013-02"]))
    [bill] = response.context["summary"]
    assert (bill.dwellings, bill.amount, bill.tenants, bill.landlord) == (
        3,
        Decimal("3.00"),
        Decimal("1.00"),
        Decimal("2.00"),
    )


def test_unknown_or_malformed_month_is_404(running, tariff, coordinator, client_for):
    client = client_for(coordinator)
    assert client.get(reverse("subscriptions:charges_month", args=["2013-02"])).status_code == 404
    assert client.get("/abonnements/charges/2013-13/").status_code == 404


def test_export_streams_the_lines_and_locks_the_month(
    running, tariff, landlord_user, client_for, job_queue
):
    running.other_nbh.launched_on = D(2012, 4, 1)
    Neighbourhood.objects.filter(pk=running.other_nbh.pk).update(launched_on=D(2012, 4, 1))
    charges_generate(month="2013-02", by=User.objects.system())
    client = client_for(landlord_user)
    response = client.post(
        reverse("subscriptions:charges_export", args=["2013-02"]), {"confirm": "yes"}
    )
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body.lstrip("\ufeff").strip().split("\r\n")
    assert lines[0] == "mois;référence logement;quartier;payeur;montant;nature"
    rows = [line.split(";") for line in lines[1:]]
    # Only the landlord's own neighbourhood: three lines of 1,00 €.
    assert len(rows) == 3
    assert {r[0] for r in rows} == {"2013-02"}
    assert {r[2] for r in rows} == {running.nbh.name}
    assert sum(Decimal(r[4].replace(",", ".")) for r in rows) == Decimal("3.00")
    assert {r[3] for r in rows} == {"Locataire", "Bailleur"}
    states = LandlordMonth.objects.filter(charge_month__month=D(2013, 2, 1))
    assert states.get(landlord=running.nbh.landlord).is_locked
    assert not states.get(landlord=running.other_nbh.landlord).is_locked
    response = client.post(reverse("subscriptions:charges_generate"), {"month": "2013-02"})
    job_queue.run_all()
    assert "verrouillé" in client.get(response.url).content.decode()


def test_landlord_staff_cannot_export_another_landlords_month(
    running, tariff, landlord_user, client_for
):
    Neighbourhood.objects.filter(pk=running.other_nbh.pk).update(launched_on=D(2012, 4, 1))
    charges_generate(month="2013-02", by=User.objects.system())
    url = reverse("subscriptions:charges_export", args=["2013-02"])
    response = client_for(landlord_user).post(
        url, {"landlord": running.other_nbh.landlord_id, "confirm": "yes"}
    )
    assert response.status_code == 404
    assert not LandlordMonth.objects.filter(status=LandlordMonth.Status.EXPORTED).exists()


def test_coordinator_chooses_the_landlord_to_export(running, tariff, coordinator, client_for):
    Neighbourhood.objects.filter(pk=running.other_nbh.pk).update(launched_on=D(2012, 4, 1))
    charges_generate(month="2013-02", by=User.objects.system())
    client = client_for(coordinator)
    url = reverse("subscriptions:charges_export", args=["2013-02"])
    response = client.post(url, {"confirm": "yes"}, follow=True)
    assert "Choisissez le bailleur" in response.content.decode()
    assert not LandlordMonth.objects.filter(status=LandlordMonth.Status.EXPORTED).exists()
    response = client.post(url, {"landlord": running.other_nbh.landlord_id, "confirm": "yes"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert running.other_nbh.name in body
    assert running.nbh.name not in body
    exported = LandlordMonth.objects.get(status=LandlordMonth.Status.EXPORTED)
    assert exported.landlord == running.other_nbh.landlord
    # The month page, for one landlord, then for all.
    page = client.get(
        reverse("subscriptions:charges_month", args=["2013-02"]),
        {"bailleur": running.nbh.landlord_id},
    )
    assert [b.name for b in page.context["summary"]] == [running.nbh.name]
    page = client.get(reverse("subscriptions:charges_month", args=["2013-02"]))
    assert len(page.context["landlord_months"]) == 2


def test_adjustment_form_adds_a_signed_row_to_the_export(
    running, tariff, landlord_user, client_for
):
    charges_generate(month="2013-02", by=User.objects.system())
    client = client_for(landlord_user)
    url = reverse("subscriptions:adjustment_create", args=["2013-02"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "dwelling": running.dwelling.reference,
            "kind": "credit",
            "amount": "1,00",
            "reason": "Logement muré",
        },
    )
    assert response.status_code == 302
    adj = Adjustment.objects.get()
    assert adj.created_by == landlord_user
    response = client.post(
        reverse("subscriptions:charges_export", args=["2013-02"]), {"confirm": "yes"}
    )
    body = b"".join(response.streaming_content).decode("utf-8")
    assert "-1,00;ajustement : Logement muré" in body
    # Another landlord's dwelling is not found.
    response = client.post(
        url,
        {
            "dwelling": running.other_dwelling.reference,
            "kind": "debit",
            "amount": "1",
            "reason": "x",
        },
    )
    assert "Aucun logement de référence" in response.content.decode()
    assert Adjustment.objects.count() == 1


def test_list_counts_its_rows_up_to_a_bound_and_its_pending_requests(
    running, landlord_user, client_for, sub
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(landlord_user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("subscriptions:list"), {"status": "active"})
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    # The caption's count (it stops at LISTED_UP_TO rows) and the requests still to send; the
    # pager counts nothing.
    assert len(counts) == 2
    assert "LIMIT" in counts[0].upper()
    assert response.context["listed"] == {"n": 0, "more": False}
    assert response.context["pending"] == {"n": 1, "last": sub.pk}
