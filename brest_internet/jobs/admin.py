"""Procrastinate's own admin pages are not shown: the queue's tables exist on PostgreSQL only
(its pages would fail on SQLite) and the jobs' page (/taches/) is the programme's view of the
work."""

from django.contrib import admin
from procrastinate.contrib.django import models as procrastinate_models

for model in (
    procrastinate_models.ProcrastinateJob,
    procrastinate_models.ProcrastinateEvent,
    procrastinate_models.ProcrastinatePeriodicDefer,
    procrastinate_models.ProcrastinateWorker,
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
