from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    # Workshops
    path("ateliers/", views.session_list, name="session_list"),
    path("ateliers/nouvelle/", views.session_create, name="session_create"),
    path("ateliers/<int:pk>/", views.session_detail, name="session_detail"),
    path("ateliers/<int:pk>/modifier/", views.session_update, name="session_update"),
    path("ateliers/<int:pk>/annuler/", views.session_cancel, name="session_cancel"),
    path("ateliers/<int:pk>/inscrire/", views.session_sign_up, name="session_sign_up"),
    path("ateliers/<int:pk>/presences/", views.session_attendance, name="session_attendance"),
    path("ateliers/<int:pk>/agenda.ics", views.session_ics, name="session_ics"),
    path("ateliers/<int:pk>/feuille/", views.session_sheet, name="session_sheet"),
    path("inscriptions/<int:pk>/annuler/", views.registration_cancel, name="registration_cancel"),
    # Launch half-days
    path("demi-journees/", views.half_day_list, name="half_day_list"),
    path("demi-journees/nouvelle/", views.half_day_create, name="half_day_create"),
    path("demi-journees/<int:pk>/", views.half_day_desk, name="half_day_desk"),
    # Households and what the programme did with them
    path("foyers/", views.household_list, name="household_list"),
    path("foyers/choisir/", views.household_choose, name="household_choose"),
    path("foyers/<int:pk>/", views.household_detail, name="household_detail"),
    path("foyers/<int:pk>/aide-a-domicile/", views.home_help_create, name="home_help_create"),
    path("foyers/<int:pk>/conseil-juridique/", views.advice_create, name="advice_create"),
    path("foyers/<int:pk>/ordinateur/", views.order_create, name="order_create"),
    # Home help
    path("aide-a-domicile/", views.home_help_list, name="home_help_list"),
    path("aide-a-domicile/<int:pk>/", views.home_help_detail, name="home_help_detail"),
    path(
        "aide-a-domicile/<int:pk>/planifier/",
        views.home_help_schedule,
        name="home_help_schedule",
    ),
    path("aide-a-domicile/<int:pk>/terminer/", views.home_help_done, name="home_help_done"),
    path("aide-a-domicile/<int:pk>/annuler/", views.home_help_cancel, name="home_help_cancel"),
    # Legal advice
    path("conseil-juridique/", views.advice_list, name="advice_list"),
    path("conseil-juridique/<int:pk>/", views.advice_detail, name="advice_detail"),
    path("conseil-juridique/<int:pk>/repondre/", views.advice_answer, name="advice_answer"),
    # Computers
    path("ordinateurs/", views.computer_list, name="computer_list"),
    path("ordinateurs/commandes/<int:pk>/", views.order_detail, name="order_detail"),
    path("ordinateurs/commandes/<int:pk>/payer/", views.order_pay, name="order_pay"),
    path("ordinateurs/commandes/<int:pk>/remettre/", views.order_hand_over, name="order_hand_over"),
    path("ordinateurs/commandes/<int:pk>/annuler/", views.order_cancel, name="order_cancel"),
    # Calendar feeds of the centres (the feed answers without a session: see views_calendar)
    path("agenda/", views.calendar_index, name="calendar_index"),
    path("agenda/<int:pk>/", views.calendar_detail, name="calendar_detail"),
    path(
        "agenda/<int:pk>/nouvelle-adresse/",
        views.calendar_regenerate,
        name="calendar_regenerate",
    ),
    path("agenda/flux/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
