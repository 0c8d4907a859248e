from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Notices to households by e-mail and SMS: contacts, consents, deliveries.

    The top floor: it reads every domain app (sessions, visits, orders, votes) and none of them
    imports it at module level; their services call `notices.services.notice_queue` from
    inside the function, as `support` calls `subscriptions`.
    """

    name = "brest_internet.notices"
    label = "notices"
    verbose_name = _("Avis aux foyers")
    default_auto_field = "django.db.models.BigAutoField"
