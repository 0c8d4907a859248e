"""French that reads right: no "(e)" or "(s)" shortcuts, no agreement a person's name may
contradict ("Anne Le Gall est inscrit"), counts through ngettext (one, or many)."""

import re
import tokenize
from pathlib import Path

from django.utils import translation

from neighborhoods import register

ROOT = Path(__file__).resolve().parents[1]
APPS = ["brest_internet", "neighborhoods", "subscriptions", "support", "votes", "templates"]
# "manquant(e)", "ligne(s)", "long(ue)", "effacé(s)": a shortcut instead of French.
SHORTCUT = re.compile(r"[a-zà-ÿ]\((?:e|s|es|ue|le|ne)\)", re.IGNORECASE)


def _texts():
    """(path, line, text) of every string of the Python sources and every template line."""
    for app in APPS:
        for path in (ROOT / app).rglob("*"):
            if "migrations" in path.parts:
                continue
            if path.suffix == ".html":
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                    yield path, number, line
            elif path.suffix == ".py":
                with path.open(encoding="utf-8") as source:
                    for token in tokenize.generate_tokens(source.readline):
                        if token.type == tokenize.STRING:
                            yield path, token.start[0], token.string


def test_no_gender_or_plural_shortcut_in_the_sources():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {text.strip()[:90]}"
        for path, number, text in _texts()
        if SHORTCUT.search(text)
    ]
    assert not found, "\n".join(found)


def test_a_missing_register_column_is_named_in_agreement():
    """Every required column and every bounded one has its own agreed message."""
    assert set(register.MISSING) == set(register.REQUIRED)
    assert set(register.TOO_LONG) == set(register.MAX_LENGTHS)
    with translation.override("fr"):
        assert register.MISSING["reference"] == "Référence manquante"
        assert register.MISSING["neighbourhood"] == "Quartier manquant"
        assert str(register.TOO_LONG["entrance"]) % {"max": 10} == (
            "Entrée trop longue (10 caractères au plus)"
        )
