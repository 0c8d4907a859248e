"""Votes adopt the kit's cancellation (brest_internet.common.cancellation.Cancellable): the same
three columns, kept as they are (only their labels change), and the kit's check that who and why
come only with the date of a cancellation."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("votes", "0007_reissue_lost_vote_codes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalvote",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="annulation le"),
        ),
        migrations.AlterField(
            model_name="historicalvote",
            name="cancelled_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="annulation par",
            ),
        ),
        migrations.AlterField(
            model_name="vote",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="annulation le"),
        ),
        migrations.AlterField(
            model_name="vote",
            name="cancelled_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="annulation par",
            ),
        ),
        migrations.AddConstraint(
            model_name="vote",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("cancelled_at__isnull", False),
                    models.Q(("cancel_reason", ""), ("cancelled_by__isnull", True)),
                    _connector="OR",
                ),
                name="votes_vote_cancel_who_why_only_when_cancelled",
                violation_error_message="Qui a annulé et pourquoi ne s'inscrivent qu'avec la date de l'annulation.",
            ),
        ),
    ]
