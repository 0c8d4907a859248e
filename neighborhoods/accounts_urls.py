"""The coordinators' account pages (see `neighborhoods.accounts`)."""

from django.urls import path

from . import accounts

app_name = "accounts"

urlpatterns = [
    path("", accounts.account_list, name="list"),
    path("nouveau/", accounts.account_create, name="create"),
    path("<int:pk>/", accounts.account_detail, name="detail"),
    path("<int:pk>/desactiver/", accounts.account_deactivate, name="deactivate"),
    path("<int:pk>/reactiver/", accounts.account_reactivate, name="reactivate"),
    path(
        "<int:pk>/renvoyer-invitation/",
        accounts.account_resend_invitation,
        name="resend_invitation",
    ),
    path(
        "<int:pk>/reinitialiser-double-authentification/",
        accounts.account_reset_second_factor,
        name="reset_second_factor",
    ),
]
