"""A register upload is bounded before it is parsed: rows, unzipped size, error count.

A 465 KB workbook that expands to 500 000 rows once took 178 s of CPU and killed a worker: such
files are refused from what they declare (the zip directory, the sheet's dimension) or after
reading one row more than the maximum, never parsed in full.
"""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from neighborhoods import register
from neighborhoods.models import Dwelling, RegisterImport

HEADER = "Référence;Quartier;Adresse;Bâtiment;Entrée;Statut"
XLSX_HEADER = ["Référence", "Quartier", "Adresse", "Bâtiment", "Entrée", "Statut"]

pytestmark = pytest.mark.django_db


def workbook_with_sheet_xml(sheet_xml: bytes) -> bytes:
    """A real workbook whose sheet is replaced by `sheet_xml` (compressed as Excel does)."""
    book = openpyxl.Workbook()
    book.active.append(XLSX_HEADER)
    out = io.BytesIO()
    book.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    result = io.BytesIO()
    with zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            target.writestr(item.filename, data)
    return result.getvalue()


def sheet_xml(rows: int, *, dimension: str | None = None) -> bytes:
    """A sheet of a header and `rows` identical dwelling rows, as inline strings. The rows carry
    no number (allowed: they follow each other), so they compress as a bomb does."""

    def row(values):
        cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)
        return f"<row>{cells}</row>"

    body = (
        row(XLSX_HEADER) + row(["KRR-X", "Kerourien de test", "1 rue", "B", "1", "occupé"]) * rows
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def refused(content, name, user):
    with pytest.raises(register.RegisterFileError) as caught:
        register.register_import_preview(user=user, name=name, content=content)
    return str(caught.value)


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if openpyxl is asked to open the workbook at all."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(register.parse.openpyxl, "load_workbook", refuse)


def test_a_tiny_workbook_expanding_to_500_000_rows_is_refused_unparsed(
    world, coordinator, no_parsing
):
    content = workbook_with_sheet_xml(sheet_xml(500_000))
    assert len(content) < 1024 * 1024  # small on the wire: the size limit lets it in
    message = refused(content, "bombe.xlsx", coordinator)
    assert "trop volumineux une fois décompressé" in message
    assert not RegisterImport.objects.exists()
    assert not Dwelling.objects.filter(reference="KRR-X").exists()


def test_a_workbook_declaring_too_many_rows_is_refused_from_its_dimension(
    world, coordinator, settings
):
    settings.REGISTER_MAX_ROWS = 100
    # Ten real rows, but a dimension of 500 000: the declaration alone refuses it.
    content = workbook_with_sheet_xml(sheet_xml(10, dimension="A1:F500001"))
    message = refused(content, "registre.xlsx", coordinator)
    assert "plus de 100 lignes de logements" in message


def test_a_workbook_over_the_row_limit_is_refused_after_one_row_too_many(
    world, coordinator, settings
):
    settings.REGISTER_MAX_ROWS = 50
    content = workbook_with_sheet_xml(sheet_xml(2_000))  # no dimension declared
    message = refused(content, "registre.xlsx", coordinator)
    assert "plus de 50 lignes de logements" in message
    assert "découpez-le" in message
    assert not RegisterImport.objects.exists()


def test_a_workbook_at_the_row_limit_is_read(world, coordinator, settings):
    settings.REGISTER_MAX_ROWS = 3
    book = openpyxl.Workbook()
    book.active.append(XLSX_HEADER)
    for i in range(3):
        book.active.append([f"KRR-L{i}", "Kerourien de test", "1 rue", "B", 1, "occupé"])
    out = io.BytesIO()
    book.save(out)
    plan, pending = register.register_import_preview(
        user=coordinator, name="registre.xlsx", content=out.getvalue()
    )
    assert plan.ok and plan.rows == 3 and pending is not None


def test_a_workbook_over_the_unzipped_size_setting_is_refused(
    world, coordinator, settings, no_parsing
):
    settings.REGISTER_MAX_UNCOMPRESSED_BYTES = 10_000
    content = workbook_with_sheet_xml(sheet_xml(200))
    message = refused(content, "registre.xlsx", coordinator)
    assert "Mo au plus" in message


def test_a_csv_over_the_row_limit_is_refused_before_parsing(
    world, coordinator, monkeypatch, settings
):
    settings.REGISTER_MAX_ROWS = 20_000  # the limit of the request days, to keep the test small
    lines = [f"KRR-{i:05d};Kerourien de test;1 rue;B;1;occupé" for i in range(20_001)]
    content = ("\r\n".join([HEADER, *lines]) + "\r\n").encode()

    def refuse(*args, **kwargs):
        raise AssertionError("the CSV was parsed")

    monkeypatch.setattr(register.parse.tablib.Dataset, "load", refuse)
    message = refused(content, "registre.csv", coordinator)
    assert "plus de 20\u202f000 lignes de logements" in message
    assert not RegisterImport.objects.exists()


def test_blank_lines_of_a_csv_do_not_count_toward_the_limit(world, coordinator, settings):
    settings.REGISTER_MAX_ROWS = 2
    lines = [f"KRR-B{i};Kerourien de test;1 rue;B;1;occupé" for i in range(2)]
    content = ("\r\n".join([HEADER, *lines, ";;;;;", "", ";;;;;"]) + "\r\n").encode()
    plan, _pending = register.register_import_preview(
        user=coordinator, name="registre.csv", content=content
    )
    assert plan.ok and plan.rows == 2


def test_errors_are_collected_up_to_200_and_the_rest_counted(world, coordinator, client_for):
    lines = [f"KRR-E{i};Quartier inconnu;1 rue;B;1;occupé" for i in range(1_434)]
    content = ("\r\n".join([HEADER, *lines]) + "\r\n").encode()
    plan = register.plan_import("registre.csv", content, user=coordinator)
    assert len(plan.errors) == 200
    assert plan.hidden_errors == 1_234
    assert plan.error_count == 1_434
    assert plan.errors[0].line == 2

    response = client_for(coordinator).post(
        reverse("neighborhoods:register_import"),
        {"file": SimpleUploadedFile("registre.csv", content, "text/csv")},
    )
    page = response.content.decode().replace("\xa0", " ").replace("\u202f", " ")
    assert response.status_code == 400
    assert "Le fichier est refusé : 1 434 erreurs" in page
    assert "… et 1 234 autres erreurs" in page
    assert page.count("quartier inconnu ou hors de votre périmètre") == 200
    assert not RegisterImport.objects.exists()
