"""Online voting: single-use codes kept as hashes; spending a code, signing in and the
anonymous ballot happen together; two submissions of one code give exactly one ballot."""

import threading
import time

import pytest
from django.db import OperationalError, close_old_connections, connection

from neighborhoods.models import User
from votes import services
from votes.models import OnlineTally, Participation, Vote, VoteCode

from .factories import VoteFactory, occupied_dwellings


@pytest.fixture
def online_vote(make_vote):
    return make_vote(method=Vote.Method.MIXED)


@pytest.fixture
def codes(online_vote, landlord_user):
    return services.codes_generate(vote=online_vote, by=landlord_user)


def test_one_code_per_roll_entry_stored_only_as_a_hash(online_vote, codes):
    assert len(codes) == online_vote.roll_size == VoteCode.objects.filter(vote=online_vote).count()
    stored = set(VoteCode.objects.values_list("code_hash", flat=True))
    for _entry, code in codes:
        assert len(services.normalise_code(code)) == services.CODE_LENGTH
        assert code not in stored and services.normalise_code(code) not in stored
        assert services.code_hash(online_vote, code) in stored


def test_codes_are_generated_once(online_vote, codes, landlord_user):
    with pytest.raises(services.VoteError, match="déjà été générés"):
        services.codes_generate(vote=online_vote, by=landlord_user)
    assert VoteCode.objects.count() == online_vote.roll_size


def test_a_paper_only_vote_has_no_codes(vote, landlord_user):
    with pytest.raises(services.VoteError, match="en ligne"):
        services.codes_generate(vote=vote, by=landlord_user)


def test_casting_spends_the_code_signs_in_and_counts_the_choice(online_vote, codes):
    entry, code = codes[0]
    services.ballot_cast(code=code.lower().replace("-", " "), choice="yes")
    assert VoteCode.objects.get(roll_entry=entry).spent
    participation = Participation.objects.get(vote=online_vote)
    assert (participation.dwelling_id, participation.channel) == (entry.dwelling_id, "online")
    assert online_vote.online_counts() == {"yes": 1}
    # Three counters, the two others at 0: no row of its own for the ballot.
    assert sorted(OnlineTally.objects.values_list("vote_id", "choice", "ballots")) == [
        (online_vote.pk, "blank", 0),
        (online_vote.pk, "no", 0),
        (online_vote.pk, "yes", 1),
    ]


def test_a_spent_code_is_refused(online_vote, codes):
    code = codes[0][1]
    services.ballot_cast(code=code, choice="no")
    with pytest.raises(services.VoteError, match="déjà servi"):
        services.ballot_cast(code=code, choice="yes")
    assert online_vote.online_counts() == {"no": 1}


def test_an_unknown_code_is_refused(online_vote, codes):
    with pytest.raises(services.VoteError, match="pas valable"):
        services.ballot_cast(code="ABCD-EFGH-JKLM", choice="yes")
    with pytest.raises(services.VoteError, match="12 caractères"):
        services.ballot_cast(code="ABC", choice="yes")
    assert online_vote.online_counts() == {}


def test_a_code_of_another_vote_reads_as_unknown(online_vote, codes, world, landlord_user):
    # A closed vote elsewhere: its codes are answered exactly like a wrong code.
    occupied_dwellings(world.other_nbh, 2)
    other = VoteFactory(neighbourhood=world.other_nbh, method=Vote.Method.ONLINE)
    services.roll_freeze(vote=other, by=User.objects.system())
    other_codes = services.codes_generate(vote=other, by=User.objects.system())
    Vote.objects.filter(pk=other.pk).update(closes_on=other.opens_on)
    with pytest.raises(services.VoteError) as refused:
        services.ballot_cast(code=other_codes[0][1], choice="yes")
    assert str(refused.value) == str(services.UNKNOWN_CODE)
    # The same code typed against this vote's salt never matches either.
    assert services.code_hash(online_vote, other_codes[0][1]) != services.code_hash(
        other, other_codes[0][1]
    )


def test_a_dwelling_that_voted_on_paper_cannot_vote_online(online_vote, codes, landlord_user):
    entry, code = codes[0]
    services.participations_record(
        vote=online_vote,
        references=[entry.reference],
        channel="paper",
        station="Bureau 1",
        by=landlord_user,
    )
    with pytest.raises(services.VoteError, match="déjà voté"):
        services.ballot_cast(code=code, choice="yes")
    # Nothing changed: the code is not spent, no ballot.
    assert not VoteCode.objects.get(roll_entry=entry).spent
    assert online_vote.online_counts() == {}


def test_a_bad_choice_is_refused(online_vote, codes):
    with pytest.raises(services.VoteError, match="oui, non ou blanc"):
        services.ballot_cast(code=codes[0][1], choice="peut-être")


def test_no_online_vote_after_certification(online_vote, codes, coordinator):
    Vote.objects.filter(pk=online_vote.pk).update(
        status=Vote.Status.CERTIFIED, certified_on=online_vote.closes_on
    )
    with pytest.raises(services.VoteError, match="pas valable"):
        services.ballot_cast(code=codes[0][1], choice="yes")


@pytest.mark.django_db(transaction=True)
def test_two_submissions_of_one_code_at_the_same_moment_give_one_ballot(online_vote, codes):
    code = codes[0][1]
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(choice):
        try:
            barrier.wait(timeout=10)
            for _attempt in range(50):
                try:
                    services.ballot_cast(code=code, choice=choice)
                    outcomes.append("ok")
                except services.VoteError as exc:
                    outcomes.append(str(exc))
                except OperationalError as exc:
                    # The in-memory SQLite of the tests (shared cache) reports a competing
                    # writer at once ("table is locked") where a file database waits for it
                    # (busy timeout, IMMEDIATE transactions): wait here the same way.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.05)
                    continue
                break
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=submit, args=(c,)) for c in ("yes", "no")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert len(outcomes) == 2, outcomes
    assert outcomes.count("ok") == 1, outcomes
    assert any("déjà servi" in o for o in outcomes), outcomes
    assert sum(online_vote.online_counts().values()) == 1
    assert Participation.objects.filter(vote=online_vote).count() == 1


def test_the_online_box_has_one_counter_per_choice_and_no_other(online_vote, codes):
    from django.db import IntegrityError, transaction

    assert sorted(online_vote.online_tallies.values_list("choice", flat=True)) == [
        "blank",
        "no",
        "yes",
    ]
    for bad in (
        {"choice": "yes"},  # a second counter for a choice
        {"choice": "maybe"},  # not a choice
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            OnlineTally.objects.create(vote=online_vote, **bad)
    with pytest.raises(IntegrityError), transaction.atomic():
        OnlineTally.objects.filter(vote=online_vote, choice="no").update(ballots=-1)
    assert online_vote.online_counts() == {}


def test_ballots_of_several_dwellings_add_up_per_choice(online_vote, codes):
    for (_entry, code), choice in zip(codes, ["yes", "no", "yes", "blank", "yes"], strict=False):
        services.ballot_cast(code=code, choice=choice)
    assert online_vote.online_counts() == {"yes": 3, "no": 1, "blank": 1}
    assert services.tallies(online_vote)[-1].counted == 5
