"""The online ballot box keeps counters per choice instead of one row per ballot, and a code
says only whether it was used (not when).

One row per ballot kept the order of the votes (SQLite's rowid, PostgreSQL's physical order,
which a dump keeps), and `spent_at` and the sign-in list gave the dwellings in the same order:
each ballot could be matched with its dwelling. Existing ballots become their vote's three
counters; the ballot table and the times of use are dropped. Going back recreates one ballot
per counted vote, in an order that follows nothing, and gives each spent code the day its vote
opened (the real time is not kept any more).
"""

import datetime
import random

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count
from django.utils import timezone

CHOICES = ("yes", "no", "blank")


def ballots_to_counters(apps, schema_editor):
    OnlineBallot = apps.get_model("votes", "OnlineBallot")
    OnlineTally = apps.get_model("votes", "OnlineTally")
    VoteCode = apps.get_model("votes", "VoteCode")
    Vote = apps.get_model("votes", "Vote")
    counted = {}
    for vote_id, choice, n in (
        OnlineBallot.objects.order_by().values_list("vote_id", "choice").annotate(n=Count("id"))
    ):
        counted[(vote_id, choice)] = n
    with_box = set(
        Vote.objects.filter(codes_generated_at__isnull=False).values_list("pk", flat=True)
    ) | {vote_id for vote_id, _choice in counted}
    OnlineTally.objects.bulk_create(
        OnlineTally(vote_id=vote_id, choice=choice, ballots=counted.get((vote_id, choice), 0))
        for vote_id in sorted(with_box)
        for choice in CHOICES
    )
    VoteCode.objects.filter(spent_at__isnull=False).update(spent=True)


def counters_to_ballots(apps, schema_editor):
    OnlineBallot = apps.get_model("votes", "OnlineBallot")
    OnlineTally = apps.get_model("votes", "OnlineTally")
    VoteCode = apps.get_model("votes", "VoteCode")
    ballots = [
        OnlineBallot(vote_id=tally.vote_id, choice=tally.choice)
        for tally in OnlineTally.objects.all()
        for _n in range(tally.ballots)
    ]
    random.SystemRandom().shuffle(ballots)
    OnlineBallot.objects.bulk_create(ballots)
    for code in VoteCode.objects.filter(spent=True).select_related("vote"):
        code.spent_at = timezone.make_aware(
            datetime.datetime.combine(code.vote.opens_on, datetime.time(12))
        )
        code.save(update_fields=["spent_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("votes", "0004_participation_station"),
    ]

    operations = [
        migrations.CreateModel(
            name="OnlineTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "choice",
                    models.CharField(
                        choices=[("yes", "Oui"), ("no", "Non"), ("blank", "Blanc")],
                        max_length=5,
                        verbose_name="choix",
                    ),
                ),
                ("ballots", models.PositiveIntegerField(default=0, verbose_name="bulletins")),
                (
                    "vote",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="online_tallies",
                        to="votes.vote",
                        verbose_name="vote",
                    ),
                ),
            ],
            options={
                "verbose_name": "urne en ligne",
                "verbose_name_plural": "urnes en ligne",
                "ordering": ["vote", "choice"],
            },
        ),
        migrations.AddConstraint(
            model_name="onlinetally",
            constraint=models.UniqueConstraint(
                fields=("vote", "choice"),
                name="onlinetally_one_per_choice",
                violation_error_message="Ce vote a déjà un compteur pour ce choix.",
            ),
        ),
        migrations.AddConstraint(
            model_name="onlinetally",
            constraint=models.CheckConstraint(
                condition=models.Q(("choice__in", ["yes", "no", "blank"])),
                name="onlinetally_choice_is_a_choice",
                violation_error_message="Choisissez oui, non ou blanc.",
            ),
        ),
        migrations.AddField(
            model_name="votecode",
            name="spent",
            field=models.BooleanField(default=False, verbose_name="utilisé"),
        ),
        migrations.RunPython(ballots_to_counters, counters_to_ballots),
        migrations.RemoveField(
            model_name="votecode",
            name="spent_at",
        ),
        migrations.DeleteModel(
            name="OnlineBallot",
        ),
    ]
