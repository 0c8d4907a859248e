from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("bilans/", views.review_list, name="review_list"),
    path("bilans/<int:pk>/", views.review_detail, name="review_detail"),
    path("bilans/<int:pk>/modifier/", views.review_edit, name="review_edit"),
    path("bilans/nouveau/<slug:slug>/", views.review_create, name="review_create"),
]
