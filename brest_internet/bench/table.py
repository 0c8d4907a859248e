"""The one table the benchmark prints, and the targets `--check` enforces."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Row:
    section: str
    what: str
    value: str = "n/a"
    detail: str = ""
    target: str = ""
    ok: bool | None = None  # None: no target, or not measured

    @property
    def verdict(self) -> str:
        if self.ok is None:
            return ""
        return "ok" if self.ok else "MISSED"


def render(rows: list[Row], title: str) -> str:
    head = ("", "mesure", "valeur", "détail", "cible", "")
    cells = [head] + [(r.section, r.what, r.value, r.detail, r.target, r.verdict) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    line = "+".join("-" * (w + 2) for w in widths)
    out = [title, line]
    for i, c in enumerate(cells):
        out.append("|".join(f" {v:<{w}} " for v, w in zip(c, widths, strict=True)).rstrip())
        if i == 0:
            out.append(line)
    out.append(line)
    return "\n".join(out)


def missed(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r.ok is False]
