"""The certified results, for every role in its scope: the list, a result, the file."""

from decimal import Decimal

from django.http import HttpResponse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from brest_internet.common.files import csv_writer
from neighborhoods.access import RoleRequiredMixin, role_required

from .. import rules
from .base import get_result_for_user


class ResultListView(RoleRequiredMixin, ListView):
    roles = rules.READERS
    template_name = "votes/results.html"
    context_object_name = "votes"

    def get_queryset(self):
        return rules.results_for(self.request.user).newest_results_first()


class ResultDetailView(RoleRequiredMixin, DetailView):
    roles = rules.READERS
    template_name = "votes/result_detail.html"
    context_object_name = "vote"

    def get_object(self, queryset=None):
        return get_result_for_user(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        vote = self.object
        context["counts"] = list(vote.paper_counts.order_by("channel", "station"))
        context["online"] = vote.online_counts()
        return context


def _fr(value, places=1):
    if value is None:
        return ""
    return f"{Decimal(value):.{places}f}".replace(".", ",")


@role_required(*rules.READERS)
@require_GET
def results_csv(request):
    votes = rules.results_for(request.user).newest_results_first()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="resultats-votes.csv"'
    response.write("\ufeff")
    writer = csv_writer(response, delimiter=";")
    writer.writerow(
        [
            _("Quartier"),
            _("Ouverture"),
            _("Clôture"),
            _("Certifié le"),
            _("Inscrits"),
            _("Votants"),
            _("Participation (%)"),
            _("Oui"),
            _("Non"),
            _("Blancs"),
            _("Nuls"),
            _("Suffrages exprimés"),
            _("Oui parmi les exprimés (%)"),
            _("Participation minimale (%)"),
            _("Résultat"),
        ]
    )
    for vote in votes:
        r = vote.result
        writer.writerow(
            [
                vote.published_name,
                date_format(vote.opens_on, "SHORT_DATE_FORMAT"),
                date_format(vote.closes_on, "SHORT_DATE_FORMAT"),
                date_format(vote.certified_on, "SHORT_DATE_FORMAT"),
                r.roll,
                r.voters,
                _fr(r.turnout),
                r.yes,
                r.no,
                r.blank,
                r.spoiled,
                r.cast,
                _fr(r.yes_share),
                vote.minimum_turnout or "",
                _("Adopté") if r.adopted else _("Rejeté"),
            ]
        )
    return response
