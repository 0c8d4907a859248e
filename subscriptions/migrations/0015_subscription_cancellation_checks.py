from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0014_fill_subscription_cancellations"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="subscription",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("cancelled_at__isnull", False),
                    models.Q(("cancel_reason", ""), ("cancelled_by__isnull", True)),
                    _connector="OR",
                ),
                name="subscriptions_subscription_cancel_who_why_only_when_cancelled",
                violation_error_message=(
                    "Qui a annulé et pourquoi ne s'inscrivent qu'avec la date de l'annulation."
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="subscription",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("cancelled_at__isnull", False), ("status", "cancelled")),
                    models.Q(
                        models.Q(("status", "cancelled"), _negated=True),
                        ("cancelled_at__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="subscription_cancelled_exactly_when_recorded",
                violation_error_message=(
                    "Un abonnement résilié a le moment de sa résiliation, et lui seul."
                ),
            ),
        ),
    ]
