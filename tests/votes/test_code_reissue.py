"""A tenant who lost the letter with their code: landlord staff reissue a code for that
dwelling, which voids the old one, with who and when in the vote's history; never once the
dwelling has voted. One live code per dwelling and vote, in the database too."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from votes import services
from votes.models import CodeReissue, Participation, Vote, VoteCode

from .conftest import sign_in


@pytest.fixture
def online_vote(make_vote):
    return make_vote(method=Vote.Method.MIXED)


@pytest.fixture
def codes(online_vote, landlord_user):
    return services.codes_generate(vote=online_vote, by=landlord_user)


def test_the_new_code_votes_and_the_old_one_no_longer(online_vote, codes, landlord_user):
    entry, old = codes[0]
    again, new = services.code_reissue(
        vote=online_vote, reference=entry.reference, by=landlord_user
    )
    assert again == entry and new != old
    with pytest.raises(services.VoteError, match="remplacé par un nouveau"):
        services.ballot_cast(code=old, choice="yes")
    services.ballot_cast(code=new, choice="yes")
    assert sum(online_vote.online_counts().values()) == 1
    assert Participation.objects.get(vote=online_vote).dwelling_id == entry.dwelling_id
    # Only hashes are kept, the old code is kept too (voided), nothing is deleted.
    assert VoteCode.objects.filter(roll_entry=entry).count() == 2
    assert services.code_hash(online_vote, new) in set(
        VoteCode.objects.values_list("code_hash", flat=True)
    )


def test_the_reissue_is_in_the_history_with_who_and_when(online_vote, codes, landlord_user):
    entry = codes[1][0]
    services.code_reissue(vote=online_vote, reference=entry.reference.lower(), by=landlord_user)
    reissue = CodeReissue.objects.get()
    assert (reissue.roll_entry, reissue.reissued_by) == (entry, landlord_user)
    assert reissue.reissued_at is not None
    with pytest.raises(ValueError, match="append-only"):
        reissue.delete()


def test_no_new_code_once_the_dwelling_has_voted(online_vote, codes, landlord_user):
    entry, code = codes[0]
    services.ballot_cast(code=code, choice="no")
    with pytest.raises(services.VoteError, match="déjà voté"):
        services.code_reissue(vote=online_vote, reference=entry.reference, by=landlord_user)
    assert VoteCode.objects.filter(roll_entry=entry).count() == 1
    assert not CodeReissue.objects.exists()


def test_no_new_code_for_a_dwelling_that_voted_on_paper(online_vote, codes, landlord_user):
    sign_in(online_vote, 1)
    signed = Participation.objects.get(vote=online_vote).dwelling_id
    entry = online_vote.roll_entries.get(dwelling_id=signed)
    with pytest.raises(services.VoteError, match="déjà voté"):
        services.code_reissue(vote=online_vote, reference=entry.reference, by=landlord_user)


def test_refused_cases(online_vote, make_vote, landlord_user, second_landlord, nbh):
    with pytest.raises(services.VoteError, match="pas encore générés"):
        services.code_reissue(vote=online_vote, reference="x", by=landlord_user)
    services.codes_generate(vote=online_vote, by=landlord_user)
    with pytest.raises(services.VoteError, match="Aucun logement"):
        services.code_reissue(vote=online_vote, reference="NOPE-1", by=landlord_user)
    assert not CodeReissue.objects.exists()


def test_another_landlords_staff_cannot_reissue(online_vote, codes, orgs):
    from tests import factories as f

    stranger = f.UserFactory(
        username="bailleur-tiers",
        organisation=f.OrganisationFactory(name="Autre bailleur", kind="landlord"),
        role="landlord",
    )
    with pytest.raises(services.VoteError, match="Seuls le bailleur"):
        services.code_reissue(vote=online_vote, reference=codes[0][0].reference, by=stranger)


def test_the_database_keeps_one_live_code_per_dwelling(online_vote, codes):
    entry = codes[0][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        VoteCode.objects.create(vote=online_vote, roll_entry=entry, code_hash="another")


def test_the_database_refuses_a_voided_spent_code(online_vote, codes):
    entry = codes[0][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        VoteCode.objects.filter(roll_entry=entry).update(spent=True, voided=True)


def test_the_page_prints_the_new_letter_and_the_vote_page_shows_the_history(
    online_vote, codes, landlord_user, client_for
):
    entry, old = codes[2]
    client = client_for(landlord_user)
    url = reverse("votes:code_reissue", args=[online_vote.pk])
    assert client.get(url).status_code == 200
    # Without the confirmation box: nothing happens.
    page = client.post(url, {"reference": entry.reference}).content.decode()
    assert "Cochez la case" in page and not CodeReissue.objects.exists()
    response = client.post(url, {"reference": entry.reference, "confirm": "on"})
    assert "no-store" in response["Cache-Control"]
    letter = response.content.decode()
    new = letter.split('id="nouveau-code">', 1)[1].split("<", 1)[0]
    assert len(services.normalise_code(new)) == services.CODE_LENGTH and new != old
    assert entry.reference in letter and "ne sert plus" in letter
    assert services.code_find(new).roll_entry == entry
    detail = client.get(online_vote.get_absolute_url()).content.decode()
    history = detail.split('id="codes-refaits"', 1)[1].split("</table>", 1)[0]
    assert entry.reference in history
    assert (landlord_user.get_full_name() or landlord_user.username) in history
    # Once voted: a French refusal on the form, no new letter.
    services.ballot_cast(code=new, choice="yes")
    page = client.post(url, {"reference": entry.reference, "confirm": "on"}).content.decode()
    assert "a déjà voté" in page and 'id="nouveau-code"' not in page
