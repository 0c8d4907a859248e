"""The register's size per neighbourhood (`RegisterSize`) equals a count of its dwellings after
every writer of the register: the import, the admin (add, move, delete) and the rebuild."""

import pytest
from django.urls import reverse

from neighborhoods import register
from neighborhoods.models import Dwelling, RegisterSize
from neighborhoods.summaries import register_sizes_differ, register_sizes_rebuild

from .test_register import csv_bytes


def sizes():
    return dict(RegisterSize.objects.values_list("neighbourhood", "dwellings"))


@pytest.fixture
def counted(world):
    """The world's dwellings were written by factories: recount them as the migration did."""
    register_sizes_rebuild()
    assert register_sizes_differ() == {}
    return world


def test_the_rebuild_counts_every_register(counted):
    assert sizes() == {counted.nbh.pk: 3, counted.other_nbh.pk: 1}


def test_the_import_keeps_the_size(counted, coordinator):
    content = csv_bytes(
        "KRR-0101;Kerourien de test;1 rue de Kerourien;A;1;occupé",
        "KRR-0102;Kerourien de test;2 rue de Kerourien;A;1;vacant",
    )
    p, pending = register.register_import_preview(
        user=coordinator, name="registre.csv", content=content
    )
    assert p.ok
    register.register_import_apply(user=coordinator, pending_id=pending.pk)
    assert sizes()[counted.nbh.pk] == 5
    assert register_sizes_differ() == {}


def test_the_admin_keeps_the_size_when_it_adds_moves_and_deletes(counted, coordinator, client_for):
    client = client_for(coordinator)
    response = client.post(
        reverse("admin:neighborhoods_dwelling_add"),
        {
            "reference": "ADM-0001",
            "neighbourhood": counted.other_nbh.pk,
            "address": "1 rue de l'admin",
            "status": "vacant",
            "occupancies-TOTAL_FORMS": 0,
            "occupancies-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sizes()[counted.other_nbh.pk] == 2
    dwelling = Dwelling.objects.get(reference="ADM-0001")
    response = client.post(
        reverse("admin:neighborhoods_dwelling_change", args=[dwelling.pk]),
        {
            "reference": "ADM-0001",
            "neighbourhood": counted.nbh.pk,
            "address": "1 rue de l'admin",
            "occupancies-TOTAL_FORMS": 0,
            "occupancies-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert (sizes()[counted.nbh.pk], sizes()[counted.other_nbh.pk]) == (4, 1)
    assert register_sizes_differ() == {}
    # Coordinators may not delete dwellings (403); an administrator's deletion goes through
    # the same admin methods, called here as the delete views and actions call them.
    from django.contrib import admin

    dwelling_admin = admin.site._registry[Dwelling]
    dwelling_admin.delete_queryset(None, Dwelling.objects.filter(pk=dwelling.pk))
    assert sizes()[counted.nbh.pk] == 3
    dwelling_admin.delete_model(None, counted.dwellings[2])
    assert sizes()[counted.nbh.pk] == 2
    assert register_sizes_differ() == {}
    assert register_sizes_differ() == {}
