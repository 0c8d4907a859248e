"""The vote's page shows those who count the paper count's log (first entry, disagreement,
correction, second entry: who and when), and tells landlord staff who certifies and why they
cannot, on the page and on the certification URL's 403."""

import re

from django.urls import reverse

from votes import services

from .conftest import sign_in

F = services.Figures


def _log_rows(page):
    table = page.split('id="journal-depouillement"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], flags=re.S)


def test_the_count_log_is_on_the_vote_page(vote, landlord_user, second_landlord, client_for):
    sign_in(vote, 8)
    count = services.count_enter(
        vote=vote, station="Bureau 1", channel="paper", figures=F(5, 2, 1, 0), by=landlord_user
    )
    services.count_confirm(count=count, figures=F(5, 1, 2, 0), by=second_landlord)
    services.count_enter(
        vote=vote, station="Bureau 1", channel="paper", figures=F(5, 1, 2, 0), by=landlord_user
    )
    page = client_for(second_landlord).get(vote.get_absolute_url()).content.decode()
    rows = _log_rows(page)
    assert [
        re.search(r"<td>(Première saisie|Seconde saisie|Correction)</td>", r)[1] for r in rows
    ] == [
        "Première saisie",
        "Seconde saisie",
        "Correction",
    ]
    assert landlord_user.username in rows[0] or landlord_user.get_full_name() in rows[0]
    assert "saisies différentes" in rows[1]
    # Not confirmed yet: the second person does not see the figures they must type again,
    # only their own entry.
    assert "masqués jusqu'à la seconde saisie" in rows[2]
    assert "5, 1, 2, 0" in rows[1]


def test_the_log_shows_the_figures_once_confirmed(
    vote, landlord_user, second_landlord, coordinator, client_for
):
    sign_in(vote, 8)
    count = services.count_enter(
        vote=vote, station="Bureau 1", channel="paper", figures=F(5, 2, 1, 0), by=landlord_user
    )
    services.count_confirm(count=count, figures=F(5, 2, 1, 0), by=second_landlord)
    page = client_for(coordinator).get(vote.get_absolute_url()).content.decode()
    rows = _log_rows(page)
    assert len(rows) == 2 and all("5, 2, 1, 0" in r for r in rows)


def test_the_page_keeps_its_queries_as_the_log_grows(
    vote, landlord_user, second_landlord, client_for, django_assert_max_num_queries
):
    client = client_for(landlord_user)
    counts = []

    def enter(station):
        sign_in(vote, 1, station=station)
        counts.append(
            services.count_enter(
                vote=vote, station=station, channel="paper", figures=F(1, 0, 0, 0), by=landlord_user
            )
        )

    enter("Bureau 1")
    client.get(vote.get_absolute_url())
    with django_assert_max_num_queries(60) as small:
        client.get(vote.get_absolute_url())
    for n in range(2, 7):
        enter(f"Bureau {n}")
    for c in counts:
        services.count_confirm(count=c, figures=F(1, 0, 0, 0), by=second_landlord)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(vote.get_absolute_url())


def test_landlord_staff_see_who_certifies(vote, landlord_user, coordinator, client_for):
    page = client_for(landlord_user).get(vote.get_absolute_url()).content.decode()
    section = page.split('id="qui-certifie"', 1)[1].split("</div>", 1)[0]
    assert "Pas encore certifié" in section
    assert (coordinator.get_full_name() or coordinator.username) in section
    assert "vous ne le certifiez pas vous-même" in section
    assert reverse("votes:certify", args=[vote.pk]) not in page


def test_the_certify_url_tells_landlord_staff_why(vote, landlord_user, coordinator, client_for):
    response = client_for(landlord_user).get(reverse("votes:certify", args=[vote.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Certification réservée à la coordination" in page
    assert "certifié par la coordination du programme" in page
    assert (coordinator.get_full_name() or coordinator.username) in page
    # A POST is refused the same way, and certifies nothing.
    response = client_for(landlord_user).post(
        reverse("votes:certify", args=[vote.pk]), {"confirm": "1", "figures": "0:0:0:0:0"}
    )
    assert response.status_code == 403
    vote.refresh_from_db()
    assert not vote.is_certified


def test_another_landlord_still_gets_404(vote, client_for, orgs):
    from tests import factories as f

    stranger = f.UserFactory(
        username="bailleur-autre",
        organisation=f.OrganisationFactory(kind="landlord"),
        role="landlord",
    )
    assert client_for(stranger).get(reverse("votes:certify", args=[vote.pk])).status_code == 404
