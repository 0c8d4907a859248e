"""The ballot page limits code guessing: a few wrong codes a minute per client, then every code
is refused for the rest of the minute, with a clear message that says nothing of the code."""

import types

import pytest
from django.core.cache.backends import base, locmem
from django.test import Client
from django.urls import reverse

from votes import services
from votes.models import Vote, VoteCode

URL = reverse("votes:ballot")
WRONG = ["ZZZZ-ZZZZ-ZZZ2", "ZZZZ-ZZZZ-ZZZ3", "ZZZZ-ZZZZ-ZZZ4", "ZZZZ-ZZZZ-ZZZ5", "ZZZZ-ZZZZ-ZZZ6"]
LOCKED = "Trop de codes refusés depuis cet appareil"


@pytest.fixture
def codes(make_vote, landlord_user):
    vote = make_vote(method=Vote.Method.ONLINE)
    return [code for _entry, code in services.codes_generate(vote=vote, by=landlord_user)]


def guess(client, code, **extra):
    return client.post(URL, {"code": code, "choice": "yes", **extra})


def test_after_five_wrong_codes_in_a_minute_even_a_right_code_is_refused(client, codes, settings):
    assert settings.BALLOT_CODE_TRIES_PER_MINUTE == 5
    for code in WRONG:
        page = guess(client, code)
        assert page.status_code == 200
        assert "pas valable" in page.content.decode()
    for attempt in (guess(client, codes[0]), guess(client, codes[0], confirm="1")):
        assert attempt.status_code == 429
        text = attempt.content.decode()
        assert LOCKED in text and "attendez une minute" in text
        assert "Confirmer votre vote" not in text and "Votre vote est enregistré" not in text
    # Nothing counted, the code still unused.
    assert not VoteCode.objects.filter(spent=True).exists()
    assert sum(Vote.objects.get().online_counts().values()) == 0


def test_the_refusal_says_nothing_of_the_code(client, codes):
    for code in WRONG:
        guess(client, code)
    right, wrong = guess(client, codes[1]), guess(client, "ZZZZ-ZZZZ-ZZZ7")
    assert right.status_code == wrong.status_code == 429
    assert right.context["form"].errors == wrong.context["form"].errors
    assert list(right.context["form"].errors) == ["code"]


def test_four_wrong_codes_still_let_a_tenant_vote(client, codes):
    for code in WRONG[:4]:
        guess(client, code)
    page = guess(client, codes[0], confirm="1")
    assert page.status_code == 200 and "Votre vote est enregistré" in page.content.decode()


def test_right_codes_are_not_counted(client, codes):
    # The confirmation step of ten right codes, then a vote: no lock-out.
    for code in codes[:9]:
        assert "Confirmer votre vote" in guess(client, code).content.decode()
    assert guess(client, codes[9], confirm="1").status_code == 200


def test_the_limit_is_per_client(codes):
    guesser, tenant = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="198.51.100.4")
    for code in WRONG:
        guess(guesser, code)
    assert guess(guesser, codes[0]).status_code == 429
    page = guess(tenant, codes[0], confirm="1")
    assert page.status_code == 200 and "Votre vote est enregistré" in page.content.decode()


def test_the_lock_out_ends_after_a_minute(client, codes, monkeypatch):
    import time

    now = [time.time()]
    clock = types.SimpleNamespace(time=lambda: now[0])
    monkeypatch.setattr(base, "time", clock)
    monkeypatch.setattr(locmem, "time", clock)
    for code in WRONG:
        guess(client, code)
    now[0] += 30
    assert guess(client, codes[0]).status_code == 429
    now[0] += 31
    page = guess(client, codes[0], confirm="1")
    assert page.status_code == 200 and "Votre vote est enregistré" in page.content.decode()


def test_a_badly_typed_code_is_not_a_guess(client, codes):
    # Too short, or missing: the form says so, no code is looked up, nothing is counted.
    for _attempt in range(8):
        assert "12 caractères" in guess(client, "ABCD-EFGH").content.decode()
    assert guess(client, codes[0], confirm="1").status_code == 200
