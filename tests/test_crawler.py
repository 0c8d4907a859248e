"""The crawler behind the W3C checker's run on the demo (tests/crawler.py): it reaches pages by
their links, sends forms back empty with their errors, and changes nothing."""

import pytest

from neighborhoods.models import Neighbourhood, StageChange

from .crawler import crawl

pytestmark = pytest.mark.django_db


def test_the_crawler_follows_links_and_sends_forms_back_in_error(world, coordinator, client_for):
    stages = dict(Neighbourhood.objects.values_list("pk", "stage"))
    changes = StageChange.objects.count()
    result = crawl(client_for(coordinator), "coordinator")
    names = {page.name for page in result.pages}
    assert not result.server_errors
    # Reached only by links from the home page.
    assert {"home", "neighborhoods:list", "neighborhoods:detail"} <= names
    assert "neighborhoods:create (POST)" in names
    [form_in_error] = [p for p in result.pages if p.name == "neighborhoods:create (POST)"]
    assert "is-invalid" in form_in_error.html
    assert not any(page.url.startswith("/admin/") for page in result.pages)
    # The empty forms it sent (advance, stop… on a neighbourhood's page) changed nothing.
    assert dict(Neighbourhood.objects.values_list("pk", "stage")) == stages
    assert StageChange.objects.count() == changes


def test_the_crawler_reports_a_server_error(world, coordinator, client_for, monkeypatch):
    from neighborhoods import views

    def broken(*args, **kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(views, "render", broken)
    result = crawl(client_for(coordinator), "coordinator", start=["/quartiers/"])
    assert any("RuntimeError: panne" in error for error in result.server_errors)
