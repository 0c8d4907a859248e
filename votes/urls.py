from django.urls import path

from . import views

app_name = "votes"

urlpatterns = [
    # Organising a vote (landlord staff, coordination).
    path("", views.VoteListView.as_view(), name="list"),
    path("nouveau/", views.vote_create, name="create"),
    path("<int:pk>/", views.vote_detail, name="detail"),
    path("<int:pk>/modifier/", views.vote_edit, name="edit"),
    path("<int:pk>/annuler/", views.vote_cancel, name="cancel"),
    path("<int:pk>/liste/arreter/", views.roll_freeze, name="roll_freeze"),
    path("<int:pk>/emargement/", views.participations_record, name="participations"),
    path("<int:pk>/depouillement/", views.count_enter, name="count_enter"),
    path(
        "<int:pk>/depouillement/<int:count_pk>/confirmer/",
        views.count_confirm,
        name="count_confirm",
    ),
    path("<int:pk>/codes/", views.codes_generate, name="codes"),
    path("<int:pk>/codes/refaire/", views.code_reissue, name="code_reissue"),
    path("<int:pk>/certifier/", views.vote_certify, name="certify"),
    # The public online ballot: no login, the code is the key.
    path("voter/", views.ballot, name="ballot"),
    # Certified results (every role, in its scope).
    path("resultats/", views.ResultListView.as_view(), name="results"),
    path("resultats.csv", views.results_csv, name="results_csv"),
    path("resultats/<int:pk>/", views.ResultDetailView.as_view(), name="result"),
]
