"""The jobs' pages: the list (/taches/), one job (/taches/<id>/) and the acknowledgement of a
failure. The person who started a job sees it; coordinators see every job."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import runner
from .models import Job


def get_job_for_user(user, pk) -> Job:
    return get_object_or_404(
        Job.objects.visible_to(user).select_related("started_by", "organisation"), pk=pk
    )


@login_required
@require_GET
def job_list(request):
    jobs = Job.objects.visible_to(request.user).select_related(
        "started_by", "organisation", "acknowledged_by"
    )
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    failed = Job.objects.visible_to(request.user).filter(state=Job.State.FAILED)
    return render(
        request,
        "jobs/job_list.html",
        {"page": page, "jobs": page.object_list, "failed": failed.count()},
    )


@login_required
@require_GET
def job_detail(request, pk):
    job = get_job_for_user(request.user, pk)
    return render(request, "jobs/job_detail.html", {"job": job})


@login_required
@require_POST
def job_acknowledge(request, pk):
    job = get_job_for_user(request.user, pk)
    if job.state != Job.State.FAILED:
        messages.info(request, _("Cette tâche n'est pas en échec : rien à marquer comme vu."))
    else:
        runner.acknowledge(job=job, by=request.user)
        messages.success(request, _("Échec marqué comme vu : la tâche reste dans la liste."))
    return redirect("jobs:detail", pk=job.pk)
