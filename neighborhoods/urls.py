from django.urls import path

from . import views, views_register

app_name = "neighborhoods"

urlpatterns = [
    path("", views.NeighbourhoodListView.as_view(), name="list"),
    path("nouveau/", views.neighbourhood_create, name="create"),
    path("entonnoir/", views.funnel, name="funnel"),
    path("registre/import/", views.register_import, name="register_import"),
    path(
        "registre/import/<int:pk>/confirmer/",
        views.register_import_confirm,
        name="register_import_confirm",
    ),
    path(
        "registre/import/<int:pk>/abandonner/",
        views.register_import_cancel,
        name="register_import_cancel",
    ),
    path("registre/export/", views.register_export, name="register_export"),
    path("<slug:slug>/", views.NeighbourhoodDetailView.as_view(), name="detail"),
    path("<slug:slug>/avancer/", views.advance, name="advance"),
    path("<slug:slug>/arreter/", views.stop, name="stop"),
    path("<slug:slug>/rouvrir/", views.reopen, name="reopen"),
    path("<slug:slug>/reunions/nouvelle/", views.meeting_edit, name="meeting_create"),
    path("<slug:slug>/secteurs/nouveau/", views.sector_create, name="sector_create"),
    path("<slug:slug>/reunions/<int:pk>/", views.meeting_edit, name="meeting_edit"),
    path(
        "<slug:slug>/reunions/<int:pk>/corriger-la-date/",
        views.meeting_date_correct,
        name="meeting_date_correct",
    ),
    path(
        "<slug:slug>/etapes/<int:pk>/corriger-la-date/",
        views.stage_date_correct,
        name="stage_date_correct",
    ),
    # The register day to day: a neighbourhood's dwellings, one dwelling and its moves.
    path("<slug:slug>/registre/", views_register.RegisterView.as_view(), name="register"),
    path("<slug:slug>/registre/<int:pk>/", views_register.dwelling_detail, name="dwelling"),
    path("<slug:slug>/registre/<int:pk>/entree/", views_register.move_in, name="move_in"),
    path("<slug:slug>/registre/<int:pk>/sortie/", views_register.move_out, name="move_out"),
    path(
        "<slug:slug>/registre/<int:pk>/statut/",
        views_register.dwelling_status,
        name="dwelling_status",
    ),
    path(
        "<slug:slug>/registre/<int:pk>/occupations/<int:occupancy>/",
        views_register.occupancy_correct,
        name="occupancy_correct",
    ),
]
