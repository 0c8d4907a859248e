"""The accessibility statement: public, in French, and in step with the self-assessment."""

import re
from pathlib import Path

from django.urls import reverse

from brest_internet.programme.accessibility import CRITERIA

ASSESSMENT = Path(__file__).resolve().parent.parent / "docs/accessibility/rgaa-autoevaluation.md"


def assessment_counts():
    rows = re.findall(
        r"^\| \d+\.\d+ .*?\| (?:\*\*)?(C|NC|NA)(?:\*\*)? \|", ASSESSMENT.read_text(), re.M
    )
    return {
        "met": rows.count("C"),
        "not_met": rows.count("NC"),
        "not_applicable": rows.count("NA"),
    }


def test_the_self_assessment_covers_the_106_criteria_and_matches_the_statement():
    counts = assessment_counts()
    assert sum(counts.values()) == 106
    assert counts == CRITERIA


def test_the_summary_table_adds_up_the_criteria_of_each_theme():
    text = ASSESSMENT.read_text()
    rows = re.findall(r"^\| (\d+)\.\d+ .*?\| (?:\*\*)?(C|NC|NA)(?:\*\*)? \|", text, re.M)
    by_theme = {}
    for theme, state in rows:
        by_theme.setdefault(theme, {"C": 0, "NC": 0, "NA": 0})[state] += 1
    summary = re.findall(r"^\| (\d+)\. [^|]+\| (\d+) \| (\d+) \| (\d+) \|$", text, re.M)
    assert len(summary) == 13
    for theme, met, not_met, na in summary:
        assert by_theme[theme] == {"C": int(met), "NC": int(not_met), "NA": int(na)}, theme


def test_the_statement_is_public_and_honest(client, db):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "partiellement conforme" in page
    assert "Défenseur des droits" in page
    assert "98,6 %" in page  # 68 met of 69 applicable
    assert "1 décembre 2026" in page
    assert "Critère 13.3" in page
    # Met since the assessment of 26 November 2026: no longer listed as not met.
    for criterion in ("8.2", "11.10", "11.12", "13.1"):
        assert f"Critère {criterion}" not in page
    assert "lecteur d'écran" in page


def test_every_page_links_to_the_statement(client, db):
    page = client.get(reverse("login")).content.decode()
    assert reverse("accessibility") in page
    assert "Accessibilité : partiellement conforme" in page


def test_the_site_map_lists_every_menu_entry_of_each_role(cast, client_for):
    for role, user in cast.items():
        client = client_for(user)
        menu = re.findall(r'class="dropdown-item" href="([^"]+)"', client.get("/").content.decode())
        sitemap = client.get(reverse("sitemap")).content.decode()
        missing = [href for href in menu if f'href="{href}"' not in sitemap]
        assert not missing, f"{role}: {missing}"
    assert reverse("votes:ballot") in client_for(None).get(reverse("sitemap")).content.decode()
