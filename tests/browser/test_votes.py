"""The votes pages in a real browser: axe on every page, the online ballot on a phone with the
keyboard only."""

import re

import pytest
from playwright.sync_api import expect

from neighborhoods.models import Neighbourhood, User
from tests.votes.conftest import sign_in
from tests.votes.factories import VoteFactory, occupied_dwellings
from votes import services
from votes.models import Vote

from .journeys import follow, submit


def signed_in(page, login, user):
    """Log in and wait until the login form's answer has loaded.

    `login` clicks "Se connecter" then waits for the load state, which the login page itself
    already satisfies when the POST has not started yet: the next `goto` could then cancel the
    login and land on the login form.
    """
    login(page, user)
    expect(page).not_to_have_url(re.compile(r"/comptes/connexion/"))


@pytest.fixture
def open_vote(world):
    Neighbourhood.objects.filter(pk=world.nbh.pk).update(stage=Neighbourhood.Stage.VOTE)
    occupied_dwellings(world.nbh, 9)
    vote = VoteFactory(neighbourhood=world.nbh, method=Vote.Method.MIXED)
    return services.roll_freeze(vote=vote, by=User.objects.system())


def test_organising_pages_are_accessible(
    page, login, assert_accessible, screenshot, open_vote, landlord_user, coordinator
):
    # Every click that loads a page waits for that load before anything is read or checked:
    # under load, reading the page (or running axe) right after a click read the page being
    # left, or ran while it was replaced.
    sign_in(open_vote, 3, station="Bureau 1 – centre social")
    services.count_enter(
        vote=open_vote,
        station="Bureau 1 – centre social",
        channel="paper",
        figures=services.Figures(2, 1, 0, 0),
        by=coordinator,
    )
    signed_in(page, login, landlord_user)
    page.goto(page.base_url + "/votes/")
    assert_accessible(page)
    follow(page, "Organiser un vote")
    submit(page, "Créer le vote")  # empty: errors
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert_accessible(page)
    page.goto(page.base_url + open_vote.get_absolute_url())
    main = page.locator("main")
    expect(main).to_contain_text(open_vote.roll_fingerprint)
    expect(main).to_contain_text("masqué jusqu'à la seconde saisie")
    assert_accessible(page)
    # A mismatching second entry: the message is shown, the page still passes.
    form = page.locator("form", has_text="Seconde saisie")
    for label, value in (("Oui", "2"), ("Non", "0"), ("Blancs", "1"), ("Nuls", "0")):
        form.get_by_label(label, exact=True).fill(value)
    submit(page, "Confirmer ce dépouillement", scope=form)
    expect(main).to_contain_text("ne concordent pas")
    assert_accessible(page)
    screenshot(page, "votes-detail")


def test_results_pages_are_accessible_and_printable(
    page,
    login,
    assert_accessible,
    screenshot,
    open_vote,
    landlord_user,
    coordinator,
    association_user,
):
    sign_in(open_vote, 4)
    figures = services.Figures(3, 1, 0, 0)
    count = services.count_enter(
        vote=open_vote, station="Bureau 1", channel="paper", figures=figures, by=landlord_user
    )
    services.count_confirm(count=count, figures=figures, by=coordinator)
    # The online ballot box closed yesterday evening: the result may be certified.
    Vote.objects.filter(pk=open_vote.pk).update(closes_on=open_vote.opens_on)
    signed_in(page, login, coordinator)
    page.goto(page.base_url + open_vote.get_absolute_url())
    assert_accessible(page)  # the provisional result and the certify button
    main = page.locator("main")
    # Certifying is irreversible: a confirmation page first, which says what will be certified.
    submit(page, "Certifier le résultat")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Certifier le vote")
    expect(main).to_contain_text("Résultat qui sera certifié")
    expect(main).to_contain_text("vous certifiez que le projet est adopté")
    assert_accessible(page)
    screenshot(page, "votes-certify-confirm")
    open_vote.refresh_from_db()
    assert open_vote.status == Vote.Status.FROZEN
    submit(page, "Confirmer la certification")
    expect(main).to_contain_text("Projet adopté")
    open_vote.refresh_from_db()
    assert open_vote.status == Vote.Status.CERTIFIED
    submit(page, "Se déconnecter")
    signed_in(page, login, association_user)
    page.goto(page.base_url + "/votes/resultats/")
    expect(main).to_contain_text("75 %")
    assert_accessible(page)
    follow(page, open_vote.neighbourhood.name)
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Imprimer")).to_be_hidden()
    screenshot(page, "votes-result-print")


def test_online_ballot_on_a_phone_with_the_keyboard_only(
    page_at, assert_accessible, screenshot, open_vote
):
    code = services.codes_generate(vote=open_vote, by=User.objects.system())[0][1]
    page = page_at(375, 740)
    page.goto(page.base_url + "/votes/voter/")
    assert_accessible(page)
    # No horizontal scrolling at 375 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # Submit with nothing: the error summary takes the focus and is announced.
    page.locator("#id_code").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'erreurs'")
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)

    # Keyboard only: the code, Enter; the question comes first, in large type, then the choice.
    page.locator("#id_code").focus()
    page.keyboard.type(code)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "La question du vote"
    question = page.locator(".ballot-question")
    assert question.inner_text() == open_vote.question
    assert float(question.evaluate("q => getComputedStyle(q).fontSize")[:-2]) >= 24
    body = float(page.evaluate("getComputedStyle(document.body).fontSize")[:-2])
    assert float(question.evaluate("q => getComputedStyle(q).fontSize")[:-2]) > body
    question_box = question.bounding_box()
    assert question_box["y"] < page.locator("#id_choice_0").bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)
    screenshot(page, "votes-ballot-question-phone")
    page.locator("#id_choice_0").focus()
    page.keyboard.press("ArrowDown")  # oui → non
    assert page.evaluate("document.activeElement.value") == "no"
    group = page.get_by_role("group", name="Votre choix")
    assert group.get_by_role("radio", name="Non").is_checked()
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Confirmer votre vote"
    assert "Non" in page.inner_text("main")
    assert_accessible(page)
    screenshot(page, "votes-ballot-confirm-phone")
    # The confirm button is the first control of the page's form.
    page.get_by_role("button", name="Je vote « Non »").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Votre vote est enregistré"
    assert_accessible(page)
    assert sum(open_vote.online_counts().values()) == 1

    # The same code again: a clear error.
    page.goto(page.base_url + "/votes/voter/")
    page.get_by_label("Votre code de vote").fill(code)
    page.get_by_role("button", name="Continuer").click()
    assert "déjà servi" in page.inner_text("#erreurs")
    assert_accessible(page)


def test_editing_and_cancelling_pages_are_accessible(
    page, login, assert_accessible, screenshot, world, landlord_user
):
    Neighbourhood.objects.filter(pk=world.nbh.pk).update(stage=Neighbourhood.Stage.VOTE)
    draft = VoteFactory(neighbourhood=world.nbh)
    signed_in(page, login, landlord_user)
    page.goto(page.base_url + draft.get_absolute_url())
    assert_accessible(page)
    main = page.locator("main")

    # Edit the draft: refused with the dates in the wrong order, then saved.
    follow(page, "Modifier le vote")
    assert_accessible(page)
    closes = page.get_by_label("Clôture du vote")
    closes.fill("2000-01-01")
    submit(page, "Enregistrer les modifications")
    expect(main).to_contain_text("La clôture ne peut précéder l'ouverture du vote.")
    assert_accessible(page)
    page.get_by_label("Clôture du vote").fill(draft.closes_on.isoformat())
    page.get_by_label("Participation minimale (%)").fill("25")
    submit(page, "Enregistrer les modifications")
    expect(main).to_contain_text("Vote modifié.")
    expect(main).to_contain_text("Participation minimale (%) : — → 25")

    # Cancel it: the reason is required, then the cancelled vote says why, who and when.
    follow(page, "Annuler le vote")
    assert_accessible(page)
    submit(page, "Annuler définitivement ce vote")
    expect(main).to_contain_text("Indiquez le motif de l'annulation.")
    assert_accessible(page)
    page.get_by_label("Motif de l'annulation").fill("Dates à revoir avec le centre social")
    submit(page, "Annuler définitivement ce vote")
    expect(main).to_contain_text("Motif : Dates à revoir avec le centre social")
    expect(main).to_contain_text(landlord_user.get_full_name() or landlord_user.username)
    assert_accessible(page)
    screenshot(page, "votes-cancelled")
    draft.refresh_from_db()
    assert (draft.status, draft.minimum_turnout) == (Vote.Status.CANCELLED, 25)


def test_a_refused_sign_in_batch_comes_back_as_typed_and_passes_axe(
    page, login, assert_accessible, open_vote, landlord_user
):
    refs = list(open_vote.roll_entries.order_by("reference").values_list("reference", flat=True))
    typed = f"{refs[0]}\n{refs[1]}\nKER-FAUTE-99"
    signed_in(page, login, landlord_user)
    page.goto(page.base_url + open_vote.get_absolute_url())
    form = page.locator("form", has_text="Émarger des logements")
    form.get_by_label("Bureau de vote ou lot").fill("Bureau 1")
    form.get_by_label("Références des logements qui ont voté").fill(typed)
    submit(page, "Enregistrer l'émargement", scope=form)
    main = page.locator("main")
    expect(main).to_contain_text("Ligne 3 : « KER-FAUTE-99 » n'est pas sur la liste électorale.")
    expect(page.get_by_label("Références des logements qui ont voté")).to_have_value(typed)
    assert_accessible(page)
    assert not open_vote.participations.exists()


def test_the_counters_see_the_log_and_landlord_staff_who_certifies_on_a_phone(
    page_at, login, assert_accessible, screenshot, open_vote, landlord_user, coordinator
):
    """375 px: the count's log (first entry, disagreement, correction) on the vote's page, the
    certification explained to landlord staff, the certify URL's 403 in words; then the code of
    a lost letter reissued and its letter printed."""
    from tests import factories as f

    second = f.UserFactory(
        username="bailleur-second", organisation=landlord_user.organisation, role="landlord"
    )
    sign_in(open_vote, 3, station="Bureau 1")
    count = services.count_enter(
        vote=open_vote,
        station="Bureau 1",
        channel="paper",
        figures=services.Figures(2, 1, 0, 0),
        by=second,
    )
    services.count_confirm(count=count, figures=services.Figures(1, 2, 0, 0), by=coordinator)
    entry = services.codes_generate(vote=open_vote, by=User.objects.system())[-1][0]
    page = page_at(375, 740)
    signed_in(page, login, landlord_user)
    page.goto(page.base_url + open_vote.get_absolute_url())
    log = page.locator("#journal-depouillement")
    expect(log).to_contain_text("Première saisie")
    expect(log).to_contain_text("Seconde saisie")
    expect(log).to_contain_text("non : saisies différentes")
    expect(log).to_contain_text("masqués jusqu'à la seconde saisie")
    who = page.locator("#qui-certifie")
    expect(who).to_contain_text("Pas encore certifié")
    expect(who).to_contain_text(coordinator.get_full_name() or coordinator.username)
    assert page.get_by_role("button", name="Certifier le résultat…").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)
    screenshot(page, "votes-count-log-phone")

    response = page.goto(page.base_url + f"/votes/{open_vote.pk}/certifier/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Certification réservée à la coordination")
    assert_accessible(page)

    page.goto(page.base_url + open_vote.get_absolute_url())
    follow(page, "Refaire le code d'un courrier perdu…")
    assert_accessible(page)
    page.get_by_label("Référence du logement").fill(entry.reference)
    page.get_by_label("Le locataire a perdu son courrier").check()
    submit(page, "Refaire le code et imprimer le courrier")
    code = page.locator("#nouveau-code").inner_text()
    assert services.code_find(code).roll_entry == entry
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)
    page.emulate_media(media="print")
    assert page.get_by_role("button", name="Imprimer").is_hidden()
    expect(page.locator("#nouveau-code")).to_be_visible()
    screenshot(page, "votes-reissued-letter-print")
