"""Neighbourhood reviews: writing, reading in scope, printing, constraints, query counts."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from brest_internet.programme.models import Review
from support.models import Registration, WorkshopTopic

from .builders import bill, dwellings, household, register, session, subscription

D = datetime.date


YEAR_START, YEAR_END = D(2013, 1, 1), D(2013, 12, 31)


def make_review(nbh, author, start=YEAR_START, end=YEAR_END):
    return Review.objects.create(
        neighbourhood=nbh,
        period_start=start,
        period_end=end,
        findings="Les ateliers sont pleins.\nLe samedi marche mieux.",
        next_steps="Ouvrir une seconde séance.",
        author=author,
    )


def texts(start, end, **extra):
    return {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "findings": "Peu de demandes d'aide à domicile.",
        "next_steps": "Relancer les ateliers.",
        **extra,
    }


# --- Constraints -------------------------------------------------------------------------------


def test_review_period_cannot_end_before_it_starts(small, coordinator):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_review(small.alpha, coordinator, start=D(2013, 6, 1), end=D(2013, 5, 31))


def test_one_review_per_neighbourhood_and_period(small, coordinator):
    make_review(small.alpha, coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_review(small.alpha, coordinator)
    make_review(small.beta, coordinator)  # another neighbourhood may have the same period


# --- Writing -------------------------------------------------------------------------------------


def test_new_review_proposes_the_period_since_the_launch(small, coordinator, client_for):
    response = client_for(coordinator).get(reverse("dashboard:review_create", args=["alpha"]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["period_start"] == D(2012, 3, 1)
    assert form.initial["period_end"] == timezone.localdate()
    assert "Le vote des locataires" in response.content.decode()


def test_new_review_starts_after_the_last_one(small, coordinator, client_for):
    make_review(small.alpha, coordinator, end=D(2013, 12, 31))
    response = client_for(coordinator).get(reverse("dashboard:review_create", args=["alpha"]))
    assert response.context["form"].initial["period_start"] == D(2014, 1, 1)


def test_chosen_period_changes_the_figures(small, coordinator, client_for):
    url = reverse("dashboard:review_create", args=["alpha"])
    response = client_for(coordinator).get(url, {"debut": "2013-01-01", "fin": "2013-12-31"})
    figures = response.context["figures"]
    assert figures.period.start == D(2013, 1, 1) and figures.support.sessions == 2
    assert response.context["form"].initial["period_end"] == D(2013, 12, 31)


def test_a_backwards_period_is_refused_with_a_message(small, coordinator, client_for):
    url = reverse("dashboard:review_create", args=["alpha"])
    response = client_for(coordinator).get(url, {"debut": "2013-12-31", "fin": "2013-01-01"})
    assert response.status_code == 400
    assert "La fin de la période ne peut précéder son début." in response.content.decode()


def test_coordinator_saves_a_review(small, coordinator, client_for):
    url = reverse("dashboard:review_create", args=["alpha"])
    response = client_for(coordinator).post(url, texts(D(2013, 1, 1), D(2013, 12, 31)))
    review = Review.objects.get()
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    assert (review.neighbourhood, review.author) == (small.alpha, coordinator)
    assert review.history.count() == 1


def test_saving_the_same_period_twice_is_refused(small, coordinator, client_for):
    make_review(small.alpha, coordinator)
    url = reverse("dashboard:review_create", args=["alpha"])
    response = client_for(coordinator).post(url, texts(D(2013, 1, 1), D(2013, 12, 31)))
    assert response.status_code == 400
    assert "déjà un bilan pour cette période" in response.content.decode()
    assert Review.objects.count() == 1


def test_review_texts_are_required_and_the_end_is_not_in_the_future(small, coordinator, client_for):
    url = reverse("dashboard:review_create", args=["alpha"])
    future = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(coordinator).post(
        url, texts(D(2013, 1, 1), future, findings="", next_steps="")
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"period_end", "findings", "next_steps"}
    assert "la fin ne peut être dans le futur" in response.content.decode()
    assert not Review.objects.exists()


def test_editing_a_review_keeps_its_history(small, coordinator, client_for):
    review = make_review(small.alpha, coordinator)
    url = reverse("dashboard:review_edit", args=[review.pk])
    assert client_for(coordinator).get(url).status_code == 200
    data = texts(review.period_start, review.period_end, findings="Nouveau constat.")
    response = client_for(coordinator).post(url, data)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.findings == "Nouveau constat."
    assert review.history.count() == 2


# --- Reading -------------------------------------------------------------------------------------


def test_review_reads_as_a_printable_report(small, coordinator, client_for):
    review = make_review(small.alpha, coordinator)
    response = client_for(coordinator).get(review.get_absolute_url())
    html = response.content.decode()
    assert "Bilan du quartier Alpha" in html
    assert "Les ateliers sont pleins." in html and "Ouvrir une seconde séance." in html
    assert "62,5\u00a0%" in html  # the vote
    assert "data-print" in html and "Imprimer / PDF" in html
    assert 'href="/static/dashboard/print.css" media="print"' in html
    assert '<script id="chart-review" type="application/json">' in html


@pytest.mark.parametrize(
    "persona, status",
    [
        ("landlord_user", 200),
        ("centre_user", 200),
        ("association_user", 200),
        ("other_centre_user", 404),
        ("other_association_user", 404),
    ],
)
def test_partners_read_the_reviews_of_their_neighbourhoods_only(
    small, coordinator, client_for, request, persona, status
):
    review = make_review(small.alpha, coordinator)
    user = request.getfixturevalue(persona)
    assert client_for(user).get(review.get_absolute_url()).status_code == status


def test_review_list_is_scoped(small, coordinator, centre_user, other_centre_user, client_for):
    make_review(small.alpha, coordinator)
    make_review(small.beta, coordinator)
    url = reverse("dashboard:review_list")
    mine = client_for(centre_user).get(url)
    assert [r.neighbourhood.name for r in mine.context["reviews"]] == ["Alpha"]
    assert [n.name for n in mine.context["neighbourhoods"]] == ["Alpha"]
    theirs = client_for(other_centre_user).get(url)
    assert [r.neighbourhood.name for r in theirs.context["reviews"]] == ["Beta"]
    everything = client_for(coordinator).get(url)
    assert len(everything.context["reviews"]) == 2
    assert "Bilan à faire" in everything.content.decode()


def test_only_coordinators_write_or_edit(small, coordinator, centre_user, client_for):
    review = make_review(small.alpha, coordinator)
    client = client_for(centre_user)
    assert client.get(reverse("dashboard:review_create", args=["alpha"])).status_code == 403
    edit = reverse("dashboard:review_edit", args=[review.pk])
    assert client.post(edit, texts(D(2013, 1, 1), D(2013, 12, 31))).status_code == 403
    review.refresh_from_db()
    assert review.findings.startswith("Les ateliers")


# --- Query counts --------------------------------------------------------------------------------


def enlarge(nbh, n):
    """More dwellings, subscriptions, sessions and billed months for `nbh`."""
    extra = dwellings(nbh, n, f"X{nbh.pk}")
    for d in extra[: n // 4]:
        subscription(d, requested=D(2013, 2, 1), activated=D(2013, 2, 10))
    topic = WorkshopTopic.objects.get_or_create(name="Tablette")[0]
    for i in range(n // 10):
        sess = session(nbh, topic, D(2013, 1 + i % 12, 1 + i % 27))
        register(sess, household(f"X{i}"), attendance=Registration.Attendance.ATTENDED)
    for month in range(1, 12):
        bill(nbh, D(2013, month, 1))


def review_queries(client, review):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(review.get_absolute_url()).status_code == 200
    return len(ctx.captured_queries)


def test_review_queries_do_not_grow_with_the_data(
    small, coordinator, client_for, django_assert_max_num_queries
):
    client = client_for(coordinator)
    short = make_review(small.alpha, coordinator)
    long = make_review(small.alpha, coordinator, start=D(2012, 3, 1), end=D(2014, 2, 28))
    before = review_queries(client, short)
    assert review_queries(client, long) == before  # more months, same queries
    enlarge(small.alpha, 120)
    assert review_queries(client, short) == before
    with django_assert_max_num_queries(18):
        client.get(long.get_absolute_url())
    edit = reverse("dashboard:review_edit", args=[long.pk])
    with django_assert_max_num_queries(18):
        client.get(edit)
