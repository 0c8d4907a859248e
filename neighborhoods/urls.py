from django.urls import path

from . import views

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
    path("registre/export/", views.register_export, name="register_export"),
    path("<slug:slug>/", views.NeighbourhoodDetailView.as_view(), name="detail"),
    path("<slug:slug>/avancer/", views.advance, name="advance"),
    path("<slug:slug>/arreter/", views.stop, name="stop"),
    path("<slug:slug>/rouvrir/", views.reopen, name="reopen"),
    path("<slug:slug>/reunions/nouvelle/", views.meeting_edit, name="meeting_create"),
    path("<slug:slug>/reunions/<int:pk>/", views.meeting_edit, name="meeting_edit"),
]
