from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("foyers/<int:pk>/contact/", views.consent_record, name="consent_record"),
    path("echecs/", views.failures, name="failures"),
    # The providers' webhooks: public, authenticated by NOTICES_WEBHOOK_SECRET in the URL.
    path("webhooks/sms/<str:secret>/", views.sms_webhook, name="sms_webhook"),
    path("webhooks/courriel/<str:secret>/", views.email_webhook, name="email_webhook"),
]
