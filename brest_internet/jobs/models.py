"""The row people read while a background job runs: what, who, how far, how it ended.

Procrastinate keeps its own table for the queue (what to run, by which worker, retries); this
row is the programme's: it survives the queue's clean-up, carries a French message and who
acknowledged a failure. `runner` writes it; nothing else does.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Coordinators see every job; everyone else the jobs they started."""
        if getattr(user, "is_coordinator", False):
            return self
        return self.filter(started_by=user)

    def needing_attention(self):
        """Running, waiting, or failed and not yet acknowledged: what the list shows first."""
        return self.filter(state__in=[Job.State.QUEUED, Job.State.RUNNING, Job.State.FAILED])


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("en cours")
        SUCCEEDED = "succeeded", _("terminée")
        FAILED = "failed", _("échouée")
        ACKNOWLEDGED = "acknowledged", _("échouée, vue")

    # The registered task's name (e.g. "subscriptions.charges_generate"); its French label
    # comes from the registry (runner.label_of), so this app names no domain app.
    kind = models.CharField(_("tâche"), max_length=100)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lancée par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("vide pour une tâche périodique (le système)"),
    )
    organisation = models.ForeignKey(
        "neighborhoods.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope = models.CharField(_("portée"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    started_at = models.DateTimeField(_("commencée le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finie le"), null=True, blank=True)
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(_("essais"), default=0)
    lines_done = models.PositiveIntegerField(_("lignes faites"), default=0)
    lines_todo = models.PositiveIntegerField(_("lignes à faire"), default=0)
    result = models.TextField(_("résultat"), blank=True)
    # Where to go on once the job succeeded (a page of the app, e.g. to confirm an import).
    next_url = models.CharField(_("suite"), max_length=200, blank=True)
    next_label = models.CharField(_("libellé de la suite"), max_length=100, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    # The target the job works on (a month, a file's id), without personal data.
    target = models.CharField(_("objet"), max_length=100, blank=True)
    queueing_lock = models.CharField(max_length=200, blank=True)
    procrastinate_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vue par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("vue le"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("tâche de fond")
        verbose_name_plural = _("tâches de fond")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(lines_done__lte=F("lines_todo")) | Q(lines_todo=0),
                name="job_done_within_todo",
            ),
            models.CheckConstraint(
                condition=~Q(state="acknowledged")
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="job_acknowledged_says_who_and_when",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["succeeded", "failed", "acknowledged"])
                | Q(finished_at__isnull=False),
                name="job_finished_has_its_time",
            ),
        ]

    def __str__(self):
        from .runner import label_of

        return f"{label_of(self.kind)} #{self.pk}"

    @property
    def label(self):
        from .runner import label_of

        return label_of(self.kind)

    @property
    def is_over(self):
        return self.state in (self.State.SUCCEEDED, self.State.FAILED, self.State.ACKNOWLEDGED)

    @property
    def percent(self):
        if not self.lines_todo:
            return 100 if self.state == self.State.SUCCEEDED else 0
        return min(100, self.lines_done * 100 // self.lines_todo)
