"""The partners' API, under /api/v1/ (see views.py; the schema at schema/, its page at docs/)."""

from django.urls import path, re_path

from . import views

app_name = "api"

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    path("moi/", views.MeView.as_view(), name="me"),
    path("bailleur/mois/", views.LockedMonthList.as_view(), name="landlord_months"),
    path("bailleur/mois/<str:month>/", views.LockedMonthDetail.as_view(), name="landlord_month"),
    path(
        "bailleur/mois/<str:month>/lots/<int:number>/lignes/",
        views.LotLines.as_view(),
        name="landlord_lot_lines",
    ),
    path(
        "bailleur/mois/<str:month>/lots/<int:number>/fichier/",
        views.LotFile.as_view(),
        name="landlord_lot_file",
    ),
    path(
        "bailleur/mois/<str:month>/ajustements/",
        views.MonthAdjustments.as_view(),
        name="landlord_adjustments",
    ),
    path(
        "bailleur/quartiers/",
        views.LandlordNeighbourhoods.as_view(),
        name="landlord_neighbourhoods",
    ),
    path(
        "bailleur/quartiers/<str:slug>/logements/",
        views.LandlordRegister.as_view(),
        name="landlord_register",
    ),
    path("operateur/demandes/", views.RequestList.as_view(), name="operator_requests"),
    path("operateur/demandes/<int:pk>/", views.RequestDetail.as_view(), name="operator_request"),
    path(
        "operateur/demandes/<int:pk>/activation/",
        views.RequestActivation.as_view(),
        name="operator_activation",
    ),
    path(
        "operateur/demandes/<int:pk>/refus/",
        views.RequestRefusal.as_view(),
        name="operator_refusal",
    ),
    path("ville/chiffres/", views.CityFigures.as_view(), name="city_figures"),
    # Anything else under /api/v1/ is a problem 404, not the HTML page of the site.
    re_path(r"^(?P<rest>.*)$", views.NotFound.as_view(), name="not_found"),
]
