"""The register import (CSV and XLSX, dry run then confirmation, all or nothing) and export."""

import io
import time

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from neighborhoods import register
from neighborhoods.models import Dwelling, RegisterImport
from tests import factories as f

HEADER = "Référence;Quartier;Adresse;Bâtiment;Entrée;Statut"


def csv_bytes(*lines, encoding="utf-8-sig", header=HEADER):
    return ("\r\n".join([header, *lines]) + "\r\n").encode(encoding)


def plan(user, content, name="registre.csv"):
    return register.plan_import(name, content, user=user)


def errors(p):
    return [(e.line, e.message) for e in p.errors]


def do_import(user, content, name="registre.csv"):
    p, pending = register.register_import_preview(user=user, name=name, content=content)
    assert p.ok, errors(p)
    return register.register_import_apply(user=user, pending_id=pending.pk)


@pytest.fixture
def nbh(world):
    return world.nbh  # "Kerourien de test", 3 dwellings, landlord = landlord persona's


# Reading French files -------------------------------------------------------------------


def test_utf8_bom_semicolon_file_with_french_headers_and_statuses(world, coordinator, nbh):
    content = csv_bytes(
        "KRR-B03-E2-0154;Kerourien de test;12 rue Père Ricard;B03;E2;occupé",
        "KRR-B03-E2-0155;kerourien DE TEST;12 rue Père Ricard;B03;E2;Vacant",
        "KRR-B03-E2-0156;kerourien-test;12 rue Père Ricard;B03;E2;hors service",
    )
    p = plan(coordinator, content)
    assert p.ok, errors(p)
    assert [d.status for d in p.to_create] == ["occupied", "vacant", "out_of_service"]
    assert p.to_create[0].address == "12 rue Père Ricard"


def test_windows_1252_semicolon_file(world, coordinator, nbh):
    content = csv_bytes(
        "KRR-0001;Kerourien de test;3 rue de Kerourien;Bât. é;1;occupé", encoding="cp1252"
    )
    do_import(coordinator, content)
    dwelling = Dwelling.objects.get(reference="KRR-0001")
    assert dwelling.building == "Bât. é"
    assert dwelling.status == Dwelling.Status.OCCUPIED


def test_comma_separated_file_with_english_like_headers(world, coordinator, nbh):
    content = csv_bytes(
        "KRR-0002,Kerourien de test,3 rue X,B1,1,vacant",
        header="reference,quartier,adresse,batiment,entree,statut",
        encoding="utf-8",
    )
    assert plan(coordinator, content).ok


def test_xlsx_file_with_numeric_cells(world, coordinator, nbh):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Référence", "Quartier", "Adresse", "Bâtiment", "Entrée", "Statut"])
    sheet.append(["KRR-0003", "Kerourien de test", "5 rue Y", 3, 2.0, "occupé"])
    buffer = io.BytesIO()
    book.save(buffer)
    do_import(coordinator, buffer.getvalue(), name="registre.xlsx")
    dwelling = Dwelling.objects.get(reference="KRR-0003")
    assert (dwelling.building, dwelling.entrance) == ("3", "2")


def test_a_sector_column_places_the_dwelling_in_its_sector(world, coordinator, nbh):
    sector = f.SectorFactory(neighbourhood=nbh, name="Bergot")
    content = csv_bytes(
        "BLV-0001;Kerourien de test;Bergot;1 rue Z;A;1;occupé",
        header="Référence;Quartier;Secteur;Adresse;Bâtiment;Entrée;Statut",
    )
    do_import(coordinator, content)
    assert Dwelling.objects.get(reference="BLV-0001").sector == sector


# Adding and updating, never deleting --------------------------------------------------------


def test_import_adds_new_updates_known_and_never_deletes(world, coordinator, nbh):
    kept, changed, same = world.dwellings
    content = csv_bytes(
        f"{changed.reference};Kerourien de test;Nouvelle adresse;B9;4;vacant",
        f"{same.reference};Kerourien de test;{same.address};{same.building};{same.entrance};occupé",
        "KRR-NEW-1;Kerourien de test;1 rue Neuve;B1;1;occupé",
    )
    p, pending = do_import(coordinator, content)
    assert (len(p.to_create), len(p.to_update), p.unchanged) == (1, 1, 1)
    changed.refresh_from_db()
    assert (changed.address, changed.building, changed.status) == (
        "Nouvelle adresse",
        "B9",
        "vacant",
    )
    assert Dwelling.objects.filter(pk=kept.pk).exists()  # absent from the file, not deleted
    assert Dwelling.objects.filter(neighbourhood=nbh).count() == 4
    assert pending.status == RegisterImport.Status.APPLIED
    assert (pending.created_count, pending.updated_count) == (1, 1)
    # The audit trail names the file and the person.
    record = changed.history.latest()
    assert record.history_user == coordinator
    assert "registre.csv" in record.history_change_reason


def test_the_preview_writes_nothing(world, coordinator, nbh):
    before = Dwelling.objects.count()
    register.register_import_preview(
        user=coordinator,
        name="r.csv",
        content=csv_bytes("KRR-NEW-2;Kerourien de test;1 rue;B;1;occupé"),
    )
    assert Dwelling.objects.count() == before


def test_a_file_applies_only_once(world, coordinator, nbh):
    _plan, pending = do_import(coordinator, csv_bytes("KRR-9;Kerourien de test;1 rue;B;1;vacant"))
    with pytest.raises(register.RegisterFileError, match="déjà été importé"):
        register.register_import_apply(user=coordinator, pending_id=pending.pk)


def test_confirmation_rechecks_the_file_against_the_register(world, coordinator, nbh):
    """Someone created the same reference in another neighbourhood after the preview."""
    content = csv_bytes("KRR-LATE;Kerourien de test;1 rue;B;1;vacant")
    _plan, pending = register.register_import_preview(
        user=coordinator, name="r.csv", content=content
    )
    f.DwellingFactory(reference="KRR-LATE", neighbourhood=world.other_nbh)
    p, _pending = register.register_import_apply(user=coordinator, pending_id=pending.pk)
    assert not p.ok
    assert errors(p) == [(2, "la référence KRR-LATE appartient déjà à un autre quartier")]


# Bad files: the whole file is refused, with row numbers and French reasons -------------------


@pytest.mark.parametrize(
    "line, expected",
    [
        (";Kerourien de test;1 rue;B;1;occupé", "Référence manquante"),
        ("X-1;Quartier inconnu;1 rue;B;1;occupé", "quartier inconnu ou hors de votre périmètre"),
        ("X-1;Kerourien de test;;B;1;occupé", "Adresse manquante"),
        ("X-1;Kerourien de test;1 rue;B;1;démoli", "statut « démoli » non reconnu"),
        ("X-1;Kerourien de test;1 rue;B;1;", "Statut manquant"),
        ("X-1;Kerourien de test;1 rue;B;" + "9" * 30 + ";occupé", "Entrée trop longue"),
    ],
)
def test_one_bad_row_rejects_the_whole_file(world, coordinator, nbh, line, expected):
    content = csv_bytes("OK-1;Kerourien de test;1 rue;B;1;occupé", line)
    p = plan(coordinator, content)
    assert not p.ok
    assert p.errors[0].line == 3
    assert expected in p.errors[0].message
    _plan, pending = register.register_import_preview(
        user=coordinator, name="r.csv", content=content
    )
    assert pending is None
    assert not Dwelling.objects.filter(reference="OK-1").exists()


def test_a_duplicated_reference_is_reported_with_both_rows(world, coordinator, nbh):
    content = csv_bytes(
        "DUP-1;Kerourien de test;1 rue;B;1;occupé",
        "DUP-2;Kerourien de test;2 rue;B;1;occupé",
        "DUP-1;Kerourien de test;3 rue;B;1;vacant",
    )
    p = plan(coordinator, content)
    assert errors(p) == [(4, "référence DUP-1 en double dans le fichier (déjà ligne 2)")]


def test_errors_of_several_rows_are_all_listed_in_row_order(world, coordinator, nbh):
    content = csv_bytes(
        "A;Kerourien de test;1 rue;B;1;occupé",
        ";Kerourien de test;1 rue;B;1;occupé",
        "C;Nulle part;1 rue;B;1;occupé",
        "D;Kerourien de test;1 rue;B;1;cassé",
    )
    assert [e.line for e in plan(coordinator, content).errors] == [3, 4, 5]


def test_landlord_staff_cannot_import_into_another_landlords_neighbourhood(world, landlord_user):
    content = csv_bytes("X-1;Autre quartier;1 rue;B;1;occupé")
    p = plan(landlord_user, content)
    assert "hors de votre périmètre" in p.errors[0].message


def test_a_reference_of_another_neighbourhood_is_refused(world, coordinator):
    content = csv_bytes(f"{world.other_dwelling.reference};Kerourien de test;1 rue;B;1;occupé")
    p = plan(coordinator, content)
    assert "appartient déjà à un autre quartier" in p.errors[0].message


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("registre.pdf", b"%PDF-1.4", "Type de fichier non accepté"),
        ("registre.xlsx", b"Reference;Quartier\n", "pas un vrai classeur"),
        ("registre.csv", b"PK\x03\x04zip", "pas un fichier texte"),
        ("registre.csv", b"", "vide"),
        ("registre.csv", "Référence;Quartier\n".encode(), "Colonnes obligatoires absentes"),
        ("registre.csv", csv_bytes(), "aucune ligne"),
        ("registre.xlsx", b"PK\x03\x04 broken", "illisible"),
    ],
)
def test_unreadable_files_are_refused_with_a_french_message(
    world, coordinator, name, content, message
):
    with pytest.raises(register.RegisterFileError, match=message):
        plan(coordinator, content, name=name)


def test_a_file_over_the_size_limit_is_refused(world, coordinator, settings):
    settings.REGISTER_UPLOAD_MAX_BYTES = 100
    with pytest.raises(register.RegisterFileError, match="taille maximale"):
        plan(coordinator, csv_bytes(*["X;Kerourien de test;1 rue;B;1;occupé"] * 10))


# Pages -----------------------------------------------------------------------------------


def upload(content, name="registre.csv"):
    return SimpleUploadedFile(name, content)


def test_upload_page_previews_then_confirms(world, landlord_user, client_for):
    client = client_for(landlord_user)
    url = reverse("neighborhoods:register_import")
    response = client.post(
        url, {"file": upload(csv_bytes("KRR-W1;Kerourien de test;1 rue;B;1;occupé"))}
    )
    assert response.status_code == 200
    assert "Confirmer l'import" in response.content.decode()
    assert not Dwelling.objects.filter(reference="KRR-W1").exists()
    pending = RegisterImport.objects.get()
    response = client.post(reverse("neighborhoods:register_import_confirm", args=[pending.pk]))
    assert response.status_code == 302
    assert Dwelling.objects.filter(reference="KRR-W1").exists()


def test_upload_page_lists_the_errors_and_writes_nothing(world, coordinator, client_for):
    response = client_for(coordinator).post(
        reverse("neighborhoods:register_import"),
        {"file": upload(csv_bytes("X;Nulle part;1 rue;B;1;occupé"), name="r.csv")},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Le fichier est refusé : 1 erreur" in page
    assert "quartier inconnu" in page
    assert not RegisterImport.objects.exists()


def test_upload_page_refuses_a_wrong_type(world, coordinator, client_for):
    response = client_for(coordinator).post(
        reverse("neighborhoods:register_import"), {"file": upload(b"%PDF", name="r.pdf")}
    )
    assert response.status_code == 400
    assert "Type de fichier non accepté" in response.content.decode()


def test_someone_elses_pending_import_is_not_found(world, coordinator, landlord_user, client_for):
    _plan, pending = register.register_import_preview(
        user=coordinator, name="r.csv", content=csv_bytes("Z;Kerourien de test;1 rue;B;1;occupé")
    )
    response = client_for(landlord_user).post(
        reverse("neighborhoods:register_import_confirm", args=[pending.pk])
    )
    assert response.status_code == 404


# Export ----------------------------------------------------------------------------------


def test_csv_export_opens_in_a_french_spreadsheet_and_reimports(world, landlord_user, client_for):
    response = client_for(landlord_user).get(reverse("neighborhoods:register_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="registre-')
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0] == "Référence;Quartier;Secteur;Adresse;Bâtiment;Entrée;Statut"
    assert "occupé" in text
    # Only the landlord's own neighbourhoods.
    assert world.other_dwelling.reference not in text
    assert len(text.strip().splitlines()) == 1 + 3
    # The export is a valid import that changes nothing.
    p = plan(landlord_user, body)
    assert p.ok and p.unchanged == 3


def test_xlsx_export_of_one_neighbourhood(world, coordinator, client_for):
    response = client_for(coordinator).get(
        reverse("neighborhoods:register_export"), {"format": "xlsx", "quartier": world.nbh.slug}
    )
    data = tablib.Dataset().load(io.BytesIO(response.content), format="xlsx")
    assert data.headers[0] == "Référence"
    assert len(data) == 3


def test_export_of_a_neighbourhood_out_of_scope_is_not_found(world, landlord_user, client_for):
    response = client_for(landlord_user).get(
        reverse("neighborhoods:register_export"), {"quartier": world.other_nbh.slug}
    )
    assert response.status_code == 404


# 10 000 rows ----------------------------------------------------------------------------


def test_a_ten_thousand_row_file_imports_in_one_go(world, coordinator, nbh, capsys):
    lines = [
        f"KRR-B{i // 400:02d}-E{i // 100 % 4 + 1}-{i:05d};Kerourien de test;"
        f"{i % 90 + 1} rue Père Ricard;B{i // 400:02d};E{i // 100 % 4 + 1};"
        f"{'vacant' if i % 23 == 0 else 'occupé'}"
        for i in range(10_000)
    ]
    content = csv_bytes(*lines)
    started = time.monotonic()
    p, pending = do_import(coordinator, content)
    elapsed = time.monotonic() - started
    assert pending.created_count == 10_000
    assert Dwelling.objects.filter(neighbourhood=nbh).count() == 10_003
    # Re-importing the same file updates nothing.
    p, pending = do_import(coordinator, content)
    assert (len(p.to_update), p.unchanged) == (0, 10_000)
    with capsys.disabled():
        print(f"\n10 000-row register import: {elapsed:.2f} s")
