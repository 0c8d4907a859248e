from django.urls import path, register_converter

from . import views


class MonthConverter:
    """A month in the URL, as YYYY-MM (checked further by services.parse_month)."""

    regex = r"\d{4}-\d{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(MonthConverter, "month")

app_name = "subscriptions"

urlpatterns = [
    path("", views.subscription_list, name="list"),
    path("nouvelle-demande/", views.subscription_create, name="create"),
    path("<int:pk>/", views.subscription_detail, name="detail"),
    path("<int:pk>/transmettre/", views.subscription_send, name="send"),
    path("<int:pk>/activer/", views.subscription_activate, name="activate"),
    path("<int:pk>/resilier/", views.subscription_cancel, name="cancel"),
    path("demandes.csv", views.requests_csv, name="requests_csv"),
    path("demandes/transmises/", views.requests_mark_sent, name="requests_mark_sent"),
    path("demandes/lots/<int:pk>.csv", views.requests_batch_file, name="requests_batch_file"),
    path("taux/", views.subscription_rate, name="rate"),
    path("offre/", views.offer, name="offer"),
    path("offre/<int:pk>/nouveau-tarif/", views.tariff_schedule, name="tariff_schedule"),
    path("charges/", views.charges_index, name="charges"),
    path("charges/generer/", views.charges_generate, name="charges_generate"),
    path("charges/<month:month>/", views.charges_month, name="charges_month"),
    path(
        "charges/<month:month>/exporter/",
        views.charges_export_confirm,
        name="charges_export_confirm",
    ),
    path("charges/<month:month>/export.csv", views.charges_export, name="charges_export"),
    path("charges/fichiers/<int:pk>.csv", views.charges_export_file, name="charges_export_file"),
    path("charges/<month:month>/ajustement/", views.adjustment_create, name="adjustment_create"),
]
