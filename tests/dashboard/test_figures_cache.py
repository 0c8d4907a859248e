"""The dashboard's figures, kept until the data next changes (brest_internet.common.figures_cache).

These tests commit (transactional database): the figures are kept for the version the last
commit left, which a test's own open transaction never moves.
"""

import re

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from brest_internet.common import figures_cache
from neighborhoods.models import Neighbourhood

from .builders import grow

committed = pytest.mark.django_db(transaction=True)

DASHBOARD = reverse("dashboard:index")
YEAR = {"annee": 2013}


def page_text(response) -> str:
    """The page but what changes with every response (CSP nonces, CSRF tokens)."""
    html = re.sub(r'nonce="[^"]*"', "", response.content.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def load(client, params=YEAR):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD, params)
    assert response.status_code == 200
    return response, len(queries)


@committed
def test_the_next_request_reads_the_kept_figures(small, coordinator, client_for):
    client = client_for(coordinator)
    first, computed = load(client)
    second, kept = load(client)
    assert second.context["dash"].headline == first.context["dash"].headline
    assert page_text(second) == page_text(first)
    # The figures' own queries are gone: the page reads the version and the filter's lists.
    assert computed >= 25
    assert kept <= 8


@committed
def test_a_committed_change_is_on_the_next_page(small, orgs, coordinator, client_for):
    client = client_for(coordinator)
    before, _n = load(client)
    assert before.context["dash"].headline["covered_dwellings"] == 30
    grow(orgs, 1)  # a running neighbourhood of 15 dwellings, through the models and summaries
    after, computed = load(client)
    assert after.context["dash"].headline["covered_dwellings"] == 45
    assert computed >= 25


@committed
def test_a_raw_sql_write_makes_the_figures_stale_too(small, coordinator, client_for):
    client = client_for(coordinator)
    load(client)
    alpha = Neighbourhood.objects.get(name="Alpha")
    with connection.cursor() as cursor:  # as a service's INSERT … SELECT or UPDATE would
        cursor.execute(
            'UPDATE "neighborhoods_neighbourhood" SET name = %s WHERE id = %s',
            ["Alpha renommé", alpha.pk],
        )
    response, _n = load(client)
    assert "Alpha renommé" in [n.name for n in response.context["dash"].neighbourhoods]


@committed
def test_an_open_transaction_sees_its_own_writes_and_no_one_keeps_them(
    small, coordinator, client_for
):
    client = client_for(coordinator)
    load(client)
    version = figures_cache.current()
    alpha = Neighbourhood.objects.get(name="Alpha")
    with transaction.atomic():
        Neighbourhood.objects.filter(pk=alpha.pk).update(name="Alpha provisoire")
        assert figures_cache.pending(connection)
        inside, _n = load(client)
        assert "Alpha provisoire" in [n.name for n in inside.context["dash"].neighbourhoods]
        transaction.set_rollback(True)
    assert not figures_cache.pending(connection)
    assert figures_cache.current() == version  # rolled back: nothing changed, nothing bumped
    after, kept = load(client)
    assert "Alpha" in [n.name for n in after.context["dash"].neighbourhoods]
    assert "Alpha provisoire" not in after.content.decode()
    assert kept <= 8


@committed
def test_one_bump_per_transaction_after_its_commit(small):
    version = figures_cache.current()
    with transaction.atomic():
        for name in ("Alpha", "Beta"):
            Neighbourhood.objects.filter(name=name).update(city="Brest")
        assert figures_cache.current() == version  # not before the commit
    assert figures_cache.current() == version + 1


@committed
def test_logins_and_sessions_leave_the_figures_kept(small, coordinator, client_for):
    version = figures_cache.current()
    client = client_for(coordinator)  # a login: the user's last_login, a session row
    client.get(reverse("health"))
    load(client)
    assert figures_cache.current() == version


@committed
def test_each_language_filter_and_period_has_its_own_figures(small, coordinator, client_for):
    client = client_for(coordinator)
    french, _n = load(client)
    assert "janvier 2013" in french.content.decode()
    client.cookies["django_language"] = "en"
    english, _n = load(client)
    assert "January 2013" in english.content.decode()
    beta, _n = load(client, {**YEAR, "quartier": "beta"})
    assert [n.name for n in beta.context["dash"].neighbourhoods] == ["Beta"]
    all_time, _n = load(client, {})
    assert all_time.context["dash"].period.start is None
    kept = list(caches[figures_cache.CACHE]._cache)
    assert len([k for k in kept if ":dashboard:" in k and ":html:" not in k]) == 4
    # and the figures' part of each page, drawn once (kept_include)
    assert len([k for k in kept if ":dashboard:" in k and ":html:" in k]) == 4
    # The neighbourhood filter's options, drawn once per language (the same scope each time).
    assert len([k for k in kept if ":options:" in k]) == 2
    assert len(kept) == 10


@committed
def test_the_charge_run_makes_the_figures_stale(small, coordinator):
    import datetime

    from subscriptions.services import charges_generate

    version = figures_cache.current()
    charges_generate(month=datetime.date(2014, 1, 1), by=coordinator)
    assert figures_cache.current() > version


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('INSERT INTO "subscriptions_charge" ("dwelling_id") VALUES (%s)', True),
        ('WITH ins AS (INSERT INTO "subscriptions_charge" ("month") SELECT 1 RETURNING 1)', True),
        ('UPDATE "neighborhoods_dwelling" SET "status" = %s', True),
        ('delete from "votes_vote" where id = 1', True),
        ('TRUNCATE "support_registration"', True),
        ('INSERT INTO "brest_internet_review" ("findings") VALUES (%s)', True),
        ('SELECT * FROM "neighborhoods_dwelling" FOR UPDATE', False),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('UPDATE "neighborhoods_user" SET "last_login" = %s', False),
        ('INSERT INTO "common_figuresversion" (id, number) VALUES (1, 1)', False),
        ('INSERT INTO "jobs_job" ("kind") VALUES (%s)', False),
        ('UPDATE "votes_onlinetally" SET "yes" = "yes" + 1', False),  # a ballot: no trace
        ('UPDATE "votes_vote" SET "status" = %s', True),  # its certification
        ("SAVEPOINT s1", False),
    ],
)
def test_which_statements_write_figures(sql, writes):
    assert figures_cache.writes_figures(sql) is writes


@committed
def test_the_figures_part_is_kept_drawn_and_its_pager_keeps_each_query_string(
    small, orgs, coordinator, client_for, monkeypatch
):
    """The second request draws the figures' part from what was kept (the same page, without
    rendering it again); another query string (a page of the list) has its own; a committed
    change is drawn anew."""
    from django.template import loader

    drawn = []
    real = loader.get_template

    def spy(name, *args, **kwargs):
        if name.endswith("_dashboard_figures.html"):
            drawn.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(loader, "get_template", spy)
    client = client_for(coordinator)
    first, _n = load(client)
    second, _n = load(client)
    assert page_text(second) == page_text(first)
    assert len(drawn) == 1
    load(client, {**YEAR, "tri": "x"})  # another query string: its own part
    assert len(drawn) == 2
    grow(orgs, 1)
    after, _n = load(client)
    assert len(drawn) == 3
    assert after.context["dash"].headline["covered_dwellings"] == 45
    assert "45" in page_text(after)


@committed
def test_the_version_is_read_once_a_request_and_again_after_a_write(small, coordinator, client_for):
    """A kept dashboard looks the version up for its figures, its filter's options and its
    drawn part: one read. Within a request a write of figures makes the next look-up read
    it again; outside a request every look-up reads it."""
    client = client_for(coordinator)
    load(client)
    with CaptureQueriesContext(connection) as queries:
        client.get(DASHBOARD, YEAR)
    reads = [q for q in queries if "common_figuresversion" in q["sql"]]
    assert len(reads) == 1

    def reads_of(step):
        with CaptureQueriesContext(connection) as queries:
            step()
        return len([q for q in queries if "common_figuresversion" in q["sql"]])

    figures_cache.request_started()
    try:
        first = figures_cache.current()
        assert reads_of(figures_cache.current) == 0
        Neighbourhood.objects.filter(pk=Neighbourhood.objects.first().pk).update(notes="x")
        assert reads_of(lambda: figures_cache.current()) == 1
        assert figures_cache.current() > first
    finally:
        figures_cache.request_finished()
    assert reads_of(figures_cache.current) == 1
    assert reads_of(figures_cache.current) == 1


@committed
def test_every_kept_key_is_one_any_cache_backend_takes(small, coordinator, client_for, recwarn):
    """No space, no accent, no key too long for memcached: Django warns (CacheKeyWarning) on
    every access to such a key, whatever the backend."""
    from django.core.cache import CacheKeyWarning
    from django.core.cache.backends.base import memcache_key_warnings

    client = client_for(coordinator)
    client.cookies["django_language"] = "en"  # "All neighbourhoods", the filter's empty label
    load(client, {**YEAR, "quartier": "beta", "tri": "é" * 300})
    load(client)
    kept = list(caches[figures_cache.CACHE]._cache)
    assert kept
    for key in kept:
        assert not list(memcache_key_warnings(key)), key
    assert not [w for w in recwarn if issubclass(w.category, CacheKeyWarning)]


@committed
def test_the_kept_part_holds_nothing_of_the_user_who_drew_it(small, coordinator, client_for):
    """What one coordinator's request drew is served to the next coordinator: no CSRF token, no
    CSP nonce, no name of the person who drew it may be in it."""
    coordinator.first_name, coordinator.last_name = "Annaïg", "Le Dreff"
    coordinator.save()
    load(client_for(coordinator))
    store = caches[figures_cache.CACHE]
    # The backend's keys are ":1:<key>" (its prefix and version).
    drawn = [store.get(k.split(":", 2)[2]) for k in list(store._cache) if ":html:" in k]
    assert drawn
    for html in drawn:
        assert "csrfmiddlewaretoken" not in html and "nonce=" not in html
        assert "Annaïg" not in html and coordinator.username not in html
