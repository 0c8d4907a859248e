"""`{% quick_result_list %}`: every change list whose rows it writes gets Django's markup."""

import os

import pytest
from django.contrib.admin import site
from django.contrib.admin.templatetags import admin_list
from django.core.management import call_command
from django.test import RequestFactory

from brest_internet.common.templatetags import quick_admin
from neighborhoods.models import User


@pytest.fixture
def demo(settings, tmp_path, monkeypatch):
    from neighborhoods.management.commands import load_brest_demo

    settings.DEMO_PASSWORD = "un-mot-de-passe-de-demo"
    monkeypatch.setattr(load_brest_demo, "PASSWORD_FILE", tmp_path / ".demo-password")
    call_command("load_brest_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def changelist(model_admin, query, user):
    request = RequestFactory().get("/admin/?" + query)
    request.user = user
    cl = model_admin.get_changelist_instance(request)
    cl.formset = None  # as changelist_view sets it without list_editable
    return cl


@pytest.mark.django_db
def test_each_list_it_writes_has_django_s_rows_and_the_others_are_left_to_django(demo):
    coordinator = User.objects.get(username="coordinatrice")
    written, left = [], []
    for model, model_admin in site._registry.items():
        for query in ("", "o=-1"):
            cl = changelist(model_admin, query, coordinator)
            cols = quick_admin.columns(cl)
            if cols is None:
                left.append(model._meta.label)
                continue
            django_rows = ["".join(row) for row in admin_list.results(cl)]
            quick_rows = ["".join(row) for row in quick_admin.quick_results(cl, cols)]
            assert quick_rows == django_rows, model._meta.label
            if query == "" and django_rows:
                written.append(model._meta.label)
    # The large lists, and enough others for the comparison to mean something.
    for label in ("neighborhoods.Dwelling", "neighborhoods.Household", "subscriptions.Charge"):
        assert label in written
    assert "subscriptions.Subscription" in written or "subscriptions.Subscription" in left
    assert len(written) >= 10


@pytest.mark.django_db
def test_a_computed_column_or_a_related_lookup_is_left_to_django(coordinator):
    from django.contrib.admin import ModelAdmin

    from neighborhoods.models import Dwelling

    class Computed(ModelAdmin):
        list_display = ["reference", "label"]

        @staticmethod
        def label(obj):
            return obj.reference.upper()

    class Related(ModelAdmin):
        list_display = ["reference", "neighbourhood__name"]

    for admin_class in (Computed, Related):
        cl = changelist(admin_class(Dwelling, site), "", coordinator)
        assert quick_admin.columns(cl) is None


@pytest.mark.django_db
def test_the_change_list_page_draws_its_rows_through_the_quick_tag(demo, client):
    from neighborhoods.models import Dwelling

    coordinator = User.objects.get(username="coordinatrice")
    client.force_login(coordinator)
    from brest_internet.bench.pages import verify

    session = client.session
    verify(session, coordinator)
    session.save()
    page = client.get("/admin/neighborhoods/dwelling/").content.decode()
    first = Dwelling.objects.order_by("reference").first()
    assert (
        f'<th class="field-reference"><a href="/admin/neighborhoods/dwelling/{first.pk}/change/">'
        in page
    )
