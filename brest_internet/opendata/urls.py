from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    # The latest publication's files, at stable addresses (for the portals that harvest them).
    path("<str:filename>", views.latest_file, name="latest_file"),
    # Every publication's files, as they were published.
    path("publications/<int:pk>/<str:filename>", views.publication_file, name="file"),
]
