"""Files out: no cell of a CSV or XLSX the app writes is ever run as a formula.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and Excel also
after a leading tab or carriage return), so a household named `=HYPERLINK("http://x";"clic")`
would reach the operator's file as a live link, or worse (`=cmd|' /C calc'!A0`). Following
OWASP's guidance on CSV injection, such a cell gets a leading apostrophe: the spreadsheet shows
it as text, and whoever reads it sees what was typed.

Every writer passes its cells through `neutralise` (or `neutralise_row`); `csv_writer` does it
for a `csv.writer`. In an XLSX built by tablib, openpyxl stores a string starting with "=" as a
formula: a neutralised cell starts with "'" and is stored as text.

The GDPR export of a household is JSON, which no spreadsheet runs: it hands back the data
exactly as kept (the right of access), so it is not neutralised.
"""

import csv
import re
from collections.abc import Iterable

# What a spreadsheet may read as the start of a formula: OWASP's list, the line feed, and the
# full-width forms that some spreadsheets fold into the ASCII ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

# A cell that is only a number, as the app writes them: an optional sign, digits (grouped by
# spaces or not), an optional decimal part with a comma or a point, an optional %.
# Nothing of this form can be a formula, and neutralising it would turn "-1,00" into text.
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d+)?(?: ?%)?")


def neutralise(value):
    """The cell `value`, safe for a spreadsheet.

    The rule: a value that is not a string (a number, a date) is written as it is; a string
    that is only a number (`-1,00`, `+5`, `12,5 %`) too, since a plain number cannot run
    anything; any other string whose first visible character could start a formula (`=`, `+`,
    `-`, `@`, tab, CR, LF, their full-width forms, after any leading spaces) gets a leading
    apostrophe `'`. So a credit of 1 € ("-1,00") still reads as the number -1, while the same
    characters typed in a name, an address, a reference or a reason are shown as text.
    """
    if not isinstance(value, str) or not value:
        return value
    first = value.lstrip(" \u00a0")[:1]
    if first not in FORMULA_STARTS or _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def neutralise_row(row: Iterable) -> list:
    """Every cell of `row`, through `neutralise`."""
    return [neutralise(cell) for cell in row]


class SafeWriter:
    """A `csv.writer` whose every cell goes through `neutralise`."""

    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row):
        return self._writer.writerow(neutralise_row(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(file, **kwargs) -> SafeWriter:
    """Like `csv.writer(file, **kwargs)`, with formulas neutralised in every row written."""
    return SafeWriter(file, **kwargs)
