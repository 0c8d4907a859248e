"""The home pages of centre staff and tenants' associations: their own records only."""

import datetime

from django.urls import reverse
from django.utils import timezone

from support.models import AdviceRequest, Registration, WorkshopTopic

from .builders import household, register, session

HOME = reverse("home")


def coming_sessions(small):
    topic = WorkshopTopic.objects.create(name="Démarches en ligne")
    soon = timezone.localdate() + datetime.timedelta(days=7)
    mine = session(small.alpha, topic, soon, capacity=1)
    register(mine, household("Famille Inscrite"))
    register(mine, household("Famille Patiente"), status=Registration.Status.WAITING)
    theirs = session(small.beta, topic, soon)
    register(theirs, household("Famille d'ailleurs"), status=Registration.Status.WAITING)
    return mine, theirs


def test_centre_home_lists_coming_sessions_and_waiting_lists(
    small, centre_user, client_for, django_assert_max_num_queries
):
    mine, theirs = coming_sessions(small)
    client = client_for(centre_user)
    with django_assert_max_num_queries(12):
        response = client.get(HOME)
    assert response.status_code == 200
    assert [s.pk for s in response.context["coming_sessions"]] == [mine.pk]
    (only,) = response.context["coming_sessions"]
    assert (only.registered_count, only.waiting_count) == (1, 1)
    assert response.context["coming_totals"] == {"sessions": 1, "registered": 1, "waiting": 1}
    html = response.content.decode()
    assert "Famille Patiente" in html and "Famille d'ailleurs" not in html
    assert reverse("support:session_detail", args=[mine.pk]) in html
    # Past sessions of their centre are sign-ups, not coming sessions.
    assert "Premiers pas sur Internet" in html  # the last sign-ups list
    assert "Vous animez l'accompagnement" in html


def test_centre_home_queries_do_not_grow(small, orgs, centre_user, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    coming_sessions(small)
    client = client_for(centre_user)
    with CaptureQueriesContext(connection) as before:
        client.get(HOME)
    topic = WorkshopTopic.objects.get(name="Démarches en ligne")
    for i in range(20):
        s = session(small.alpha, topic, timezone.localdate() + datetime.timedelta(days=10 + i))
        register(s, household(f"F{i}"), status=Registration.Status.WAITING)
    with CaptureQueriesContext(connection) as after:
        client.get(HOME)
    assert len(after) == len(before)


def test_association_home_shows_its_votes_and_advice_requests(
    small, association_user, client_for, django_assert_max_num_queries
):
    client = client_for(association_user)
    with django_assert_max_num_queries(10):
        response = client.get(HOME)
    assert response.status_code == 200
    # The association is on Alpha only: Alpha's vote, not Beta's.
    assert [v.neighbourhood.name for v in response.context["vote_results"]] == ["Alpha"]
    assert response.context["advice_counts"] == {"open": 0, "answered": 1, "total": 1}
    html = response.content.decode()
    assert "62,5\u00a0%" in html
    advice = AdviceRequest.objects.create(
        household=household("Famille Question"),
        neighbourhood=small.alpha,
        association=association_user.organisation,
        topic=AdviceRequest.Topic.CHANGE,
        question="Puis-je changer d'offre ?",
    )
    response = client_for(association_user).get(HOME)
    assert [a.pk for a in response.context["open_advice"]] == [advice.pk]
    assert reverse("support:advice_detail", args=[advice.pk]) in response.content.decode()


def test_other_association_sees_only_its_own(small, other_association_user, client_for):
    response = client_for(other_association_user).get(HOME)
    assert [v.neighbourhood.name for v in response.context["vote_results"]] == ["Beta"]
    assert response.context["advice_counts"] == {"open": 1, "answered": 0, "total": 1}
    assert "Comment résilier" not in response.content.decode()


def test_landlord_home_keeps_the_neighbourhood_table(small, landlord_user, client_for):
    response = client_for(landlord_user).get(HOME)
    assert response.status_code == 200
    assert {n.name for n in response.context["neighbourhoods"]} >= {"Alpha", "Beta"}
    assert "dash" not in response.context


def test_centre_home_leaves_out_a_cancelled_session(small, centre_user, client_for):
    from support.services import session_cancel

    mine, _theirs = coming_sessions(small)
    session_cancel(session=mine, reason="Salle indisponible", by=centre_user)
    response = client_for(centre_user).get(HOME)
    assert list(response.context["coming_sessions"]) == []
    assert response.context["coming_totals"]["sessions"] == 0
