"""Each station's count against its own sign-in sheet: no more ballots than signatures, and no
certification while a station's ballots and sign-ins disagree."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from votes import services
from votes.models import Participation, Vote

from .conftest import sign_in

F = services.Figures


def enter(vote, by, figures, station="Bureau 1", channel="paper"):
    return services.count_enter(vote=vote, station=station, channel=channel, figures=figures, by=by)


def test_a_station_cannot_count_more_ballots_than_its_sign_ins(vote, landlord_user):
    sign_in(vote, 3)
    with pytest.raises(services.VoteError) as refused:
        enter(vote, landlord_user, F(2, 1, 1, 0))
    assert str(refused.value).startswith(
        "« Bureau 1 » (urne) : 4 bulletins pour 3 logements émargés à ce bureau."
    )
    assert not vote.paper_counts.exists()
    assert enter(vote, landlord_user, F(2, 1, 0, 0)).total == 3


def test_a_correction_is_checked_too(vote, landlord_user):
    sign_in(vote, 3)
    count = enter(vote, landlord_user, F(2, 1, 0, 0))
    with pytest.raises(services.VoteError, match="4 bulletins pour 3 logements"):
        enter(vote, landlord_user, F(3, 1, 0, 0))
    count.refresh_from_db()
    assert count.figures() == (2, 1, 0, 0)
    assert count.log.count() == 1


def test_another_stations_sign_ins_do_not_count(vote, landlord_user):
    sign_in(vote, 5, station="Bureau 1")
    sign_in(vote, 2, station="Bureau 2")
    with pytest.raises(services.VoteError, match="« Bureau 2 » .* 3 bulletins pour 2 logements"):
        enter(vote, landlord_user, F(3, 0, 0, 0), station="Bureau 2")
    enter(vote, landlord_user, F(5, 0, 0, 0), station="Bureau 1")
    enter(vote, landlord_user, F(1, 1, 0, 0), station="Bureau 2")


def test_sign_ins_of_another_channel_do_not_count(make_vote, landlord_user):
    vote = make_vote(method=Vote.Method.MIXED)
    sign_in(vote, 3, channel="postal", station="Lot 1")
    with pytest.raises(services.VoteError, match=r"\(urne\) : 3 bulletins pour 0 logements"):
        enter(vote, landlord_user, F(3, 0, 0, 0), station="Lot 1", channel="paper")
    enter(vote, landlord_user, F(3, 0, 0, 0), station="Lot 1", channel="postal")


def test_station_names_match_whatever_the_spaces(vote, landlord_user):
    sign_in(vote, 2, station="  Bureau   1 – MPT ")
    count = enter(vote, landlord_user, F(1, 1, 0, 0), station="Bureau 1 – MPT")
    assert count.station == "Bureau 1 – MPT"
    assert set(vote.participations.values_list("station", flat=True)) == {"Bureau 1 – MPT"}


def test_a_sign_in_needs_its_station(vote, landlord_user, client_for):
    ref = vote.roll_entries.first().reference
    with pytest.raises(services.VoteError, match="Indiquez le bureau de vote ou le lot"):
        services.participations_record(
            vote=vote, references=[ref], channel="paper", station="  ", by=landlord_user
        )
    response = client_for(landlord_user).post(
        reverse("votes:participations", args=[vote.pk]),
        {"channel": "paper", "references": ref},
        follow=True,
    )
    assert "indiquez le bureau ou le lot" in response.content.decode()
    assert not vote.participations.exists()


def test_fewer_ballots_than_sign_ins_block_certification(
    vote, landlord_user, second_landlord, coordinator
):
    sign_in(vote, 4)
    count = enter(vote, landlord_user, F(2, 1, 0, 0))
    services.count_confirm(count=count, figures=F(2, 1, 0, 0), by=second_landlord)
    assert services.certification_problems(vote) == [
        "Bureau 1 (urne) : 3 bulletins pour 4 émargements"
    ]
    with pytest.raises(services.VoteError, match="Certification impossible : Bureau 1"):
        services.vote_certify(vote=vote, by=coordinator)
    vote.refresh_from_db()
    assert not vote.is_certified


def test_a_station_signed_in_but_not_counted_blocks_certification(
    vote, landlord_user, second_landlord, coordinator
):
    sign_in(vote, 2, station="Bureau 1")
    sign_in(vote, 1, station="Bureau 2")
    count = enter(vote, landlord_user, F(2, 0, 0, 0), station="Bureau 1")
    services.count_confirm(count=count, figures=F(2, 0, 0, 0), by=second_landlord)
    assert services.certification_problems(vote) == [
        "Bureau 2 (urne) : 1 émargements, aucun dépouillement saisi"
    ]
    with pytest.raises(services.VoteError, match="aucun dépouillement saisi"):
        services.vote_certify(vote=vote, by=coordinator)


def test_every_station_in_agreement_certifies(vote, landlord_user, second_landlord, coordinator):
    for station, figures in (("Bureau 1", F(3, 1, 0, 0)), ("Bureau 2", F(1, 1, 1, 0))):
        sign_in(vote, figures.total, station=station)
        count = enter(vote, landlord_user, figures, station=station)
        services.count_confirm(count=count, figures=figures, by=second_landlord)
    assert [(t.place, t.signed, t.counted) for t in services.tallies(vote)] == [
        ("Bureau 1 (urne)", 4, 4),
        ("Bureau 2 (urne)", 3, 3),
    ]
    vote = services.vote_certify(vote=vote, by=coordinator)
    assert (vote.voters, vote.yes_count, vote.no_count, vote.blank_count) == (7, 4, 2, 1)


def test_sign_ins_recorded_without_a_station_are_checked_per_channel(
    vote, landlord_user, second_landlord, coordinator
):
    """Sign-ins from before stations were asked for: the channel's stations together."""
    dwellings = list(vote.roll_entries.values_list("dwelling_id", flat=True)[:5])
    Participation.objects.bulk_create(
        Participation(vote=vote, dwelling_id=d, channel="paper") for d in dwellings
    )
    enter(vote, landlord_user, F(3, 0, 0, 0), station="Bureau 1")
    with pytest.raises(
        services.VoteError, match="Urne : 6 bulletins dépouillés pour 5 logements émargés"
    ):
        enter(vote, landlord_user, F(3, 0, 0, 0), station="Bureau 2")
    second = enter(vote, landlord_user, F(1, 1, 0, 0), station="Bureau 2")
    assert [(t.place, t.signed, t.counted) for t in services.tallies(vote)] == [
        ("Urne, tous bureaux ou lots", 5, 5),
    ]
    for count in (vote.paper_counts.get(station="Bureau 1"), second):
        services.count_confirm(count=count, figures=F(*count.figures()), by=second_landlord)
    assert services.vote_certify(vote=vote, by=coordinator).voters == 5


def test_the_online_box_is_compared_as_a_whole(make_vote, landlord_user):
    vote = make_vote(method=Vote.Method.ONLINE)
    codes = services.codes_generate(vote=vote, by=landlord_user)
    services.ballot_cast(code=codes[0][1], choice="no")
    assert [(t.place, t.signed, t.counted) for t in services.tallies(vote)] == [("En ligne", 1, 1)]
    assert vote.participations.get().station == ""


def test_the_database_refuses_an_online_sign_in_with_a_station(vote):
    dwelling = vote.roll_entries.first().dwelling_id
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(
            vote=vote, dwelling_id=dwelling, channel="online", station="Bureau 1"
        )


def test_the_vote_page_compares_sign_ins_and_ballots_per_station(vote, landlord_user, client_for):
    sign_in(vote, 3, station="Bureau 1")
    sign_in(vote, 2, station="Bureau 2")
    enter(vote, landlord_user, F(2, 0, 0, 0), station="Bureau 1")
    page = " ".join(client_for(landlord_user).get(vote.get_absolute_url()).content.decode().split())
    assert (
        '<th scope="row">Bureau 1 (urne)</th> <td class="text-end">3</td> '
        '<td class="text-end">2</td><td><strong>écart : 2 bulletins pour 3 émargements'
    ) in page
    assert (
        '<th scope="row">Bureau 2 (urne)</th> <td class="text-end">2</td> '
        '<td class="text-end">—</td><td><strong>pas encore dépouillé'
    ) in page
    # The names already used are offered when typing a station.
    assert '<datalist id="bureaux-connus"><option value="Bureau 1"></option>' in page


def test_the_sign_in_and_count_forms_have_distinct_ids(vote, landlord_user, client_for):
    """Both have a station field: a shared id would tie the count's label to the sign-in's
    field (and a click on it, or a screen reader, to the wrong form)."""
    page = client_for(landlord_user).get(vote.get_absolute_url()).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert 'for="id_emargement_station"' in page
    assert 'for="id_station"' in page


def test_the_station_stays_chosen_from_one_batch_to_the_next(vote, landlord_user, client_for):
    client = client_for(landlord_user)
    url = reverse("votes:participations", args=[vote.pk])
    refs = list(vote.roll_entries.order_by("reference").values_list("reference", flat=True))
    response = client.post(
        url, {"channel": "paper", "station": " Bureau  2 – MPT", "references": refs[0]}
    )
    assert response.url == vote.get_absolute_url() + "?bureau=Bureau+2+%E2%80%93+MPT"
    page = client.get(response.url).content.decode()
    assert 'value="Bureau 2 – MPT"' in page
    # Refused (already voted): the page again with the station kept, nothing else is written.
    response = client.post(
        url, {"channel": "paper", "station": "Bureau 2 – MPT", "references": refs[0]}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Bureau 2 – MPT"' in page
    assert f"Ligne 1 : « {refs[0]} » a déjà voté." in page
    assert vote.participations.count() == 1


def test_a_batch_with_one_wrong_reference_keeps_what_was_typed_and_names_the_line(
    vote, landlord_user, client_for
):
    """References typed from a sheet, one of them mistyped: nothing is signed in, the form
    comes back with every line still in it and says which line to correct."""
    refs = list(vote.roll_entries.order_by("reference").values_list("reference", flat=True))
    typed = "\n".join([refs[0], refs[1], "", "KER-FAUTE-99", refs[2]])
    response = client_for(landlord_user).post(
        reverse("votes:participations", args=[vote.pk]),
        {"channel": "paper", "station": "Bureau 1", "references": typed},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ligne 4 : « KER-FAUTE-99 » n&#x27;est pas sur la liste électorale." in page
    assert "Rien n&#x27;a été enregistré" in page
    textarea = re.search(
        r'<textarea[^>]*id="id_emargement_references"[^>]*>(.*?)</textarea>', page, re.S
    )
    assert textarea is not None
    assert textarea.group(1).strip("\r\n").splitlines() == typed.splitlines()
    assert 'value="Bureau 1"' in page
    assert not vote.participations.exists()
