"""Root URLs: accounts, language, admin, health check, and one namespace per app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from neighborhoods import twofactor

from .programme import accessibility, audit, views

admin.site.site_header = _("Internet pour tous – administration")
admin.site.site_title = _("Internet pour tous")
admin.site.index_title = _("Administration du programme")

urlpatterns = [
    path("", views.home, name="home"),
    path("sante/", views.health, name="health"),
    path(
        "comptes/connexion/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("comptes/deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    # "Mot de passe oublié" and the invitation link: Django's own views, French templates in
    # templates/registration/. The same page answers whether the address is known or not.
    path(
        "comptes/mot-de-passe/oublie/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "comptes/mot-de-passe/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "comptes/mot-de-passe/choisir/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "comptes/mot-de-passe/choisi/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "comptes/mot-de-passe/changer/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "comptes/mot-de-passe/change/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("comptes/gestion/", include("neighborhoods.accounts_urls")),
    path("comptes/double-authentification/", twofactor.two_factor, name="two_factor"),
    path(
        "comptes/session/prolonger/",
        accessibility.session_keepalive,
        name="session_keepalive",
    ),
    path("langue/", set_language, name="set_language"),
    path("journal/", audit.audit_log, name="audit_log"),
    path("accessibilite/", accessibility.statement, name="accessibility"),
    path("plan-du-site/", accessibility.sitemap, name="sitemap"),
    path("donnees-personnelles/", include("brest_internet.programme.privacy_urls")),
    path("quartiers/", include("neighborhoods.urls")),
    path("votes/", include("votes.urls")),
    path("abonnements/", include("subscriptions.urls")),
    path("accompagnement/", include("support.urls")),
    path("tableau-de-bord/", include("brest_internet.programme.dashboard.urls")),
    path("donnees-ouvertes/", include("brest_internet.opendata.urls")),
    path("notifications/", include("brest_internet.notices.urls")),
    path("taches/", include("brest_internet.jobs.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("brest_internet.api.urls")),
]

handler400 = "brest_internet.common.requests.bad_request"
handler403 = "brest_internet.programme.views.forbidden"
handler404 = "brest_internet.programme.views.not_found"
handler500 = "brest_internet.programme.views.server_error"
