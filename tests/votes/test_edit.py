"""Editing a vote while it is a draft: dates, method, minimum turnout, question; never after
its roll is frozen; every change kept in its history."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from votes import services
from votes.models import Vote


@pytest.fixture
def draft(make_vote):
    return make_vote(frozen=False)


def form_data(vote, **changes):
    data = {
        "method": vote.method,
        "roll_date": vote.roll_date.isoformat(),
        "opens_on": vote.opens_on.isoformat(),
        "closes_on": vote.closes_on.isoformat(),
        "minimum_turnout": vote.minimum_turnout or "",
        "question": vote.question,
    }
    data.update(changes)
    return data


def test_landlord_edits_a_draft_and_its_history_says_who_and_what(draft, client_for, landlord_user):
    client = client_for(landlord_user)
    closes = timezone.localdate() + datetime.timedelta(days=5)
    response = client.post(
        reverse("votes:edit", args=[draft.pk]),
        form_data(draft, method="mixed", closes_on=closes.isoformat(), minimum_turnout="30"),
    )
    assert response.url == draft.get_absolute_url()
    draft.refresh_from_db()
    assert (draft.method, draft.closes_on, draft.minimum_turnout) == ("mixed", closes, 30)
    last = draft.history.latest("history_date")
    assert last.history_user == landlord_user
    assert last.status == Vote.Status.DRAFT
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Vote modifié." in page
    assert "Modalité : Urne → Mixte (urne, correspondance et en ligne)" in page
    assert "Participation minimale (%) : — → 30" in page


def test_a_coordinator_edits_a_draft_too(draft, client_for, coordinator):
    client_for(coordinator).post(
        reverse("votes:edit", args=[draft.pk]), form_data(draft, question="Nouvelle question ?")
    )
    draft.refresh_from_db()
    assert draft.question == "Nouvelle question ?"


def test_the_same_values_write_no_history(draft, landlord_user):
    before = draft.history.count()
    services.vote_update(
        vote=draft, by=landlord_user, changes={"opens_on": draft.opens_on, "method": draft.method}
    )
    assert draft.history.count() == before


def test_dates_in_the_wrong_order_are_refused_and_nothing_changes(draft, client_for, landlord_user):
    before, closes = draft.history.count(), draft.closes_on
    response = client_for(landlord_user).post(
        reverse("votes:edit", args=[draft.pk]),
        form_data(draft, closes_on=(draft.opens_on - datetime.timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 200
    assert "La clôture ne peut précéder l&#x27;ouverture du vote." in response.content.decode()
    draft.refresh_from_db()
    assert draft.closes_on == closes
    assert draft.history.count() == before


def test_the_service_refuses_dates_in_the_wrong_order(draft, landlord_user):
    with pytest.raises(services.VoteError, match="au plus tard le jour de l'ouverture"):
        services.vote_update(
            vote=draft,
            by=landlord_user,
            changes={"roll_date": draft.opens_on + datetime.timedelta(days=1)},
        )
    draft.refresh_from_db()
    assert draft.roll_date < draft.opens_on


def test_a_frozen_vote_cannot_be_edited(vote, client_for, landlord_user):
    closes = vote.closes_on
    with pytest.raises(services.VoteError, match="liste électorale est arrêtée"):
        services.vote_update(
            vote=vote, by=landlord_user, changes={"closes_on": closes + datetime.timedelta(days=9)}
        )
    client = client_for(landlord_user)
    url = reverse("votes:edit", args=[vote.pk])
    response = client.get(url, follow=True)
    assert "ne peut plus être modifié" in response.content.decode()
    response = client.post(url, form_data(vote, closes_on="2099-01-01"), follow=True)
    assert "ne peut plus être modifié" in response.content.decode()
    vote.refresh_from_db()
    assert vote.closes_on == closes
    # The page offers no edit link any more.
    assert url not in client.get(vote.get_absolute_url()).content.decode()


def test_another_landlord_cannot_edit(draft, client_for, other_landlord_user):
    url = reverse("votes:edit", args=[draft.pk])
    assert client_for(other_landlord_user).get(url).status_code == 404
    assert client_for(other_landlord_user).post(url, form_data(draft)).status_code == 404
    with pytest.raises(services.VoteError, match="Seuls le bailleur du quartier"):
        services.vote_update(vote=draft, by=other_landlord_user, changes={"question": "?"})


def test_the_neighbourhood_is_not_editable(draft, world, client_for, landlord_user):
    client_for(landlord_user).post(
        reverse("votes:edit", args=[draft.pk]),
        {**form_data(draft), "neighbourhood": world.other_nbh.pk},
    )
    draft.refresh_from_db()
    assert draft.neighbourhood_id != world.other_nbh.pk


def test_edit_page_queries_do_not_grow_with_history(
    draft, client_for, landlord_user, django_assert_max_num_queries
):
    client = client_for(landlord_user)
    url = reverse("votes:edit", args=[draft.pk])
    with django_assert_max_num_queries(10) as queries:
        assert client.get(url).status_code == 200
    n_edit = len(queries)
    with django_assert_max_num_queries(20) as queries:
        client.get(draft.get_absolute_url())
    n_detail = len(queries)
    for i in range(6):
        services.vote_update(vote=draft, by=landlord_user, changes={"question": f"Question {i}"})
    with django_assert_max_num_queries(n_edit):
        client.get(url)
    with django_assert_max_num_queries(n_detail):
        page = client.get(draft.get_absolute_url()).content.decode()
    assert page.count("Question posée : ") == 6
