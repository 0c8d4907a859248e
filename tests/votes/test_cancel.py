"""Cancelling a vote not yet certified: a required reason, who and when kept, nothing deleted,
nothing accepted afterwards, and the neighbourhood may organise a new vote."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from votes import services
from votes.models import Vote

from .conftest import sign_in
from .factories import VoteFactory

F = services.Figures


def cancel(vote, by, reason="Courrier d'information envoyé avec de mauvaises dates"):
    return services.vote_cancel(vote=vote, by=by, reason=reason)


def test_a_cancelled_vote_keeps_its_reason_who_when_and_everything_recorded(vote, landlord_user):
    sign_in(vote, 3)
    vote = cancel(vote, landlord_user)
    vote.refresh_from_db()
    assert vote.status == Vote.Status.CANCELLED
    assert vote.cancel_reason == "Courrier d'information envoyé avec de mauvaises dates"
    assert vote.cancelled_by == landlord_user
    assert vote.cancelled_at is not None
    # Nothing deleted: the roll and the sign-ins stay, the history has the cancellation.
    assert vote.roll_entries.count() == 10
    assert vote.participations.count() == 3
    last = vote.history.latest("history_date")
    assert (last.status, last.history_user) == (Vote.Status.CANCELLED, landlord_user)


def test_a_reason_is_required(vote, landlord_user, client_for):
    for reason in ("", "   "):
        with pytest.raises(services.VoteError, match="motif"):
            cancel(vote, landlord_user, reason=reason)
    response = client_for(landlord_user).post(
        reverse("votes:cancel", args=[vote.pk]), {"reason": "  "}
    )
    assert response.status_code == 200
    assert "Indiquez le motif de l&#x27;annulation." in response.content.decode()
    vote.refresh_from_db()
    assert vote.status == Vote.Status.FROZEN


def test_cancelling_through_the_page(vote, landlord_user, client_for):
    client = client_for(landlord_user)
    url = reverse("votes:cancel", args=[vote.pk])
    page = client.get(url).content.decode()
    assert "Annuler définitivement ce vote" in page
    response = client.post(url, {"reason": "Erreur sur la liste des bâtiments"}, follow=True)
    page = response.content.decode()
    assert "Vote annulé. Le quartier peut maintenant organiser un nouveau vote." in page
    assert "Motif : Erreur sur la liste des bâtiments" in page
    assert "Organiser un nouveau vote" in page
    # The cancelled vote's page offers no form any more.
    assert reverse("votes:participations", args=[vote.pk]) not in page
    assert reverse("votes:count_enter", args=[vote.pk]) not in page
    assert url not in page
    # It stays in the list, as cancelled.
    assert "Annulé" in client.get(reverse("votes:list")).content.decode()


def test_a_draft_may_be_cancelled(make_vote, coordinator):
    draft = make_vote(frozen=False)
    draft = cancel(draft, coordinator)
    assert draft.is_cancelled and not draft.is_frozen
    with pytest.raises(services.VoteError, match="annulé"):
        services.roll_freeze(vote=draft, by=coordinator)
    with pytest.raises(services.VoteError, match="annulé"):
        services.vote_update(vote=draft, by=coordinator, changes={"question": "?"})


def test_cancelling_twice_changes_nothing(vote, landlord_user, coordinator, client_for):
    first = cancel(vote, landlord_user)
    history = vote.history.count()
    again = cancel(vote, coordinator, reason="Autre motif")
    assert (again.cancel_reason, again.cancelled_by) == (first.cancel_reason, landlord_user)
    assert vote.history.count() == history
    response = client_for(coordinator).get(reverse("votes:cancel", args=[vote.pk]), follow=True)
    assert "déjà été annulé" in response.content.decode()


def test_a_certified_vote_cannot_be_cancelled(vote, landlord_user, coordinator, client_for):
    services.vote_certify(vote=vote, by=coordinator)
    with pytest.raises(services.VoteError, match="ne s'annule pas"):
        cancel(vote, coordinator)
    response = client_for(coordinator).post(
        reverse("votes:cancel", args=[vote.pk]), {"reason": "Trop tard"}, follow=True
    )
    assert "ne s&#x27;annule pas" in response.content.decode()
    vote.refresh_from_db()
    assert vote.is_certified


def test_another_landlord_cannot_cancel(vote, other_landlord_user, client_for):
    url = reverse("votes:cancel", args=[vote.pk])
    assert client_for(other_landlord_user).get(url).status_code == 404
    assert client_for(other_landlord_user).post(url, {"reason": "x"}).status_code == 404
    with pytest.raises(services.VoteError, match="Seuls le bailleur du quartier"):
        cancel(vote, other_landlord_user)
    vote.refresh_from_db()
    assert vote.status == Vote.Status.FROZEN


def test_a_cancelled_vote_accepts_no_sign_in_count_or_certification(
    vote, landlord_user, second_landlord, coordinator
):
    sign_in(vote, 2)
    count = services.count_enter(
        vote=vote, station="Bureau 1", channel="paper", figures=F(2, 0, 0, 0), by=landlord_user
    )
    vote = cancel(vote, landlord_user)
    with pytest.raises(services.VoteError, match="annulé"):
        sign_in(vote, 1)
    with pytest.raises(services.VoteError, match="annulé"):
        services.count_enter(
            vote=vote, station="Bureau 2", channel="paper", figures=F(0, 0, 0, 0), by=landlord_user
        )
    with pytest.raises(services.VoteError, match="annulé"):
        services.count_confirm(count=count, figures=F(2, 0, 0, 0), by=second_landlord)
    with pytest.raises(services.VoteError, match="annulé"):
        services.vote_certify(vote=vote, by=coordinator)
    assert services.certification_problems(vote) == ["le vote est annulé"]
    assert vote.participations.count() == 2
    assert vote.paper_counts.get().status == "pending"


def test_a_cancelled_vote_accepts_no_ballot_and_says_so_to_the_code_holder(
    make_vote, landlord_user
):
    vote = make_vote(
        method=Vote.Method.ONLINE, closes_on=timezone.localdate() + datetime.timedelta(days=2)
    )
    codes = services.codes_generate(vote=vote, by=landlord_user)
    services.ballot_cast(code=codes[0][1], choice="yes")
    cancel(vote, landlord_user)
    with pytest.raises(services.VoteError, match="annulé le .* votre code ne sert plus"):
        services.ballot_cast(code=codes[1][1], choice="no")
    assert sum(vote.online_counts().values()) == 1
    assert vote.participations.count() == 1


def test_codes_are_not_generated_for_a_cancelled_vote(make_vote, landlord_user):
    vote = make_vote(method=Vote.Method.ONLINE)
    cancel(vote, landlord_user)
    with pytest.raises(services.VoteError, match="annulé"):
        services.codes_generate(vote=vote, by=landlord_user)
    assert not vote.codes.exists()


def test_the_neighbourhood_may_organise_a_new_vote(vote, nbh, landlord_user, client_for):
    cancel(vote, landlord_user)
    response = client_for(landlord_user).post(
        reverse("votes:create"),
        {
            "neighbourhood": nbh.pk,
            "method": "paper",
            "roll_date": timezone.localdate().isoformat(),
            "opens_on": timezone.localdate().isoformat(),
            "closes_on": timezone.localdate().isoformat(),
            "question": "Deuxième vote ?",
        },
    )
    new = Vote.objects.exclude(pk=vote.pk).get()
    assert response.url == new.get_absolute_url()
    # …but only one vote in progress at a time: the new one blocks a third.
    with pytest.raises(IntegrityError), transaction.atomic():
        VoteFactory(neighbourhood=nbh)


def test_the_database_refuses_a_cancelled_vote_without_a_reason(vote):
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.filter(pk=vote.pk).update(status=Vote.Status.CANCELLED)


def test_the_database_refuses_a_cancelled_vote_with_a_certification(vote):
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.filter(pk=vote.pk).update(
            status=Vote.Status.CANCELLED,
            cancel_reason="x",
            cancelled_at=vote.created_at,
            certified_on=timezone.localdate(),
        )


def test_a_cancelled_vote_never_shows_in_the_results(vote, landlord_user, client_for):
    cancel(vote, landlord_user)
    assert client_for(landlord_user).get(reverse("votes:result", args=[vote.pk])).status_code == (
        404
    )


def test_cancel_page_queries_do_not_grow(
    vote, landlord_user, client_for, django_assert_max_num_queries
):
    client = client_for(landlord_user)
    url = reverse("votes:cancel", args=[vote.pk])
    with django_assert_max_num_queries(10) as queries:
        assert client.get(url).status_code == 200
    n = len(queries)
    sign_in(vote, 8)
    with django_assert_max_num_queries(n):
        page = client.get(url).content.decode()
    assert "Émargements</dt><dd" in page


def test_a_live_vote_carries_no_canceller_nor_reason(vote, landlord_user):
    # The kit's check (Cancellable): who and why come only with the date of a cancellation.
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.filter(pk=vote.pk).update(cancel_reason="Sans date d'annulation")
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.filter(pk=vote.pk).update(cancelled_by=landlord_user)
    vote.refresh_from_db()
    assert (vote.cancel_reason, vote.cancelled_by, vote.is_cancelled) == ("", None, False)
