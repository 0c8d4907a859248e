"""The partners' API: what the landlord, the operator and the city may read or do.

Every view goes through the apps' own scopes and services, as the pages do: the landlord reads
the files its export kept (`ChargeExport`), the operator moves a subscription with
`subscriptions.services`, the city reads the figures of `subscriptions.stats`. Another
organisation's object answers 404, another kind of partner 403, a missing or revoked token 401.
Every call is logged (`ApiCall`): the token, the route's name, the status, never a value.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import gzip
import io
import time
from itertools import islice

from django.db import DatabaseError
from django.db.models import Max
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, generics
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from neighborhoods.models import Dwelling, Neighbourhood, Organisation
from subscriptions import exports, services, stats
from subscriptions.models import Adjustment, ChargeExport, LandlordMonth, Offer, Subscription

from . import access, serializers
from . import services as api_services
from .problems import FirstRenderer

Kind = Organisation.Kind
# The city's figures span at most this many months a call (5 years).
MAX_FIGURE_MONTHS = 60


class Pages(PageNumberPagination):
    page_size = 100
    page_size_query_param = "taille"
    max_page_size = 500


class Logged:
    """Every call leaves a row in the log: token, route, status, duration; nothing else."""

    content_negotiation_class = FirstRenderer

    def dispatch(self, request, *args, **kwargs):
        self._started = time.monotonic()
        return super().dispatch(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        match = request.resolver_match
        # The answer goes out even when the log cannot be written.
        with contextlib.suppress(DatabaseError):
            api_services.api_call_record(
                token=getattr(request, "_auth", None),
                method=request.method,
                route=match.view_name if match else "",
                status=response.status_code,
                duration_ms=int((time.monotonic() - getattr(self, "_started", 0)) * 1000),
            )
        return response


class PartnerView(Logged, APIView):
    authentication_classes = [access.PartnerTokenAuthentication]
    permission_classes = [access.PartnerKind]
    throttle_classes = [access.TokenRateThrottle]
    renderer_classes = [JSONRenderer]
    partner_kinds: tuple = ()

    @property
    def organisation(self) -> Organisation:
        return self.request.auth.organisation


class PartnerListView(PartnerView, generics.ListAPIView):
    pagination_class = Pages


# --- Every partner ---------------------------------------------------------------------------


class MeView(PartnerView):
    partner_kinds = tuple(Kind)

    @extend_schema(
        summary=gettext_lazy("Le jeton utilisé et son organisation"),
        responses=serializers.MeSerializer,
        tags=["jeton"],
    )
    def get(self, request):
        token = request.auth
        data = {
            "organisation": token.organisation.name,
            "type": token.organisation.kind,
            "jeton": token.prefix,
            "cree_le": token.created_at,
            "derniere_utilisation": token.last_used_at,
        }
        return Response(serializers.MeSerializer(data).data)


# --- The landlord ----------------------------------------------------------------------------


def _month_or_404(value: str) -> datetime.date:
    try:
        return services.parse_month(value)
    except services.ChargeError as exc:
        raise exceptions.NotFound() from exc


class LandlordView(PartnerView):
    partner_kinds = (Kind.LANDLORD,)

    def locked_months(self):
        return (
            LandlordMonth.objects.filter(
                landlord=self.organisation, status=LandlordMonth.Status.EXPORTED
            )
            .select_related("charge_month", "landlord")
            .order_by("-charge_month__month")
        )

    def locked_month(self, month: str) -> LandlordMonth:
        lm = self.locked_months().filter(charge_month__month=_month_or_404(month)).first()
        if lm is None:
            raise exceptions.NotFound()
        return lm

    def lot(self, month: str, number: int) -> ChargeExport:
        lm = self.locked_month(month)
        export = lm.exports.filter(number=number).select_related("landlord_month").first()
        if export is None:
            raise exceptions.NotFound()
        export.landlord_month = lm
        return export


def _month_data(lm: LandlordMonth, lots) -> dict:
    for lot in lots:
        lot.landlord_month = lm
    return {"mois": lm.charge_month.slug, "exporte_le": lm.exported_at, "lots": lots}


class LockedMonthList(LandlordView, PartnerListView):
    serializer_class = serializers.LockedMonthSerializer

    @extend_schema(
        summary=gettext_lazy("Les mois verrouillés (exportés) du bailleur"),
        description=gettext_lazy(
            "Chaque mois exporté par le bailleur, avec ses fichiers tels qu'ils ont été "
            "exportés : le lot 1 (le mois), puis les lots d'ajustements saisis après."
        ),
        tags=["bailleur"],
    )
    def get(self, request):
        return super().get(request)

    def get_queryset(self):
        return self.locked_months()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        lots = {}
        for export in ChargeExport.objects.filter(landlord_month__in=page).defer("content"):
            lots.setdefault(export.landlord_month_id, []).append(export)
        data = [_month_data(lm, lots.get(lm.pk, [])) for lm in page]
        return self.get_paginated_response(serializers.LockedMonthSerializer(data, many=True).data)


class LockedMonthDetail(LandlordView):
    @extend_schema(
        summary=gettext_lazy("Un mois verrouillé du bailleur"),
        responses=serializers.LockedMonthSerializer,
        tags=["bailleur"],
    )
    def get(self, request, month):
        lm = self.locked_month(month)
        lots = list(lm.exports.defer("content").order_by("number"))
        return Response(serializers.LockedMonthSerializer(_month_data(lm, lots)).data)


class KeptLines:
    """The lines of a kept file, read from its stored bytes (never rewritten from the data).

    Sliceable and sized, so that the paginator reads only up to the page it serves.
    """

    def __init__(self, export: ChargeExport):
        self.export = export

    def __len__(self):
        return self.export.rows

    def count(self):
        return self.export.rows

    def __getitem__(self, window):
        stream = gzip.GzipFile(fileobj=io.BytesIO(bytes(self.export.content)))
        reader = csv.reader(
            io.TextIOWrapper(stream, encoding="utf-8-sig", newline=""), delimiter=";"
        )
        next(reader)  # the header
        fields = list(serializers.ChargeLineSerializer().fields)
        rows = islice(reader, window.start, window.stop)
        return [dict(zip(fields, row, strict=True)) for row in rows]


class LotLines(LandlordView, PartnerListView):
    serializer_class = serializers.ChargeLineSerializer

    @extend_schema(
        summary=gettext_lazy("Les lignes d'un lot, telles que le fichier exporté les porte"),
        description=gettext_lazy(
            "Les lignes du fichier exporté, dans son ordre, colonne pour colonne (le texte "
            "même du fichier : montants à virgule décimale). Le fichier lui-même est servi "
            "octet pour octet par l'opération « fichier »."
        ),
        tags=["bailleur"],
    )
    def get(self, request, month, number):
        export = self.lot(month, number)
        page = self.paginate_queryset(KeptLines(export))
        return self.get_paginated_response(serializers.ChargeLineSerializer(page, many=True).data)


class LotFile(LandlordView):
    @extend_schema(
        summary=gettext_lazy("Le fichier d'un lot, octet pour octet"),
        description=gettext_lazy(
            "Le fichier CSV tel qu'il a été exporté (UTF-8 avec BOM, séparateur « ; »), avec "
            "son empreinte dans l'en-tête X-Content-SHA256."
        ),
        responses={
            (200, "text/csv"): OpenApiResponse(
                response={"type": "string"}, description=gettext_lazy("Le fichier.")
            )
        },
        tags=["bailleur"],
    )
    def get(self, request, month, number):
        export = self.lot(month, number)
        response = StreamingHttpResponse(
            exports.thaw(export.content), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        response["Content-Length"] = str(export.size)
        response["X-Content-SHA256"] = export.sha256
        return response


class MonthAdjustments(LandlordView, PartnerListView):
    serializer_class = serializers.AdjustmentSerializer

    @extend_schema(
        summary=gettext_lazy("Les ajustements d'un mois verrouillé"),
        description=gettext_lazy(
            "Avoirs et compléments du mois dans les quartiers du bailleur, avec le lot qui les "
            "a exportés (vide : en attente du prochain lot d'ajustements)."
        ),
        tags=["bailleur"],
    )
    def get(self, request, month):
        lm = self.locked_month(month)
        adjustments = (
            Adjustment.objects.filter(
                charge_month_id=lm.charge_month_id, neighbourhood__landlord=self.organisation
            )
            .select_related("dwelling", "neighbourhood")
            .annotate(lot_number=Max("exported_in__export__number"))
            .order_by("created_at", "id")
        )
        page = self.paginate_queryset(adjustments)
        return self.get_paginated_response(serializers.AdjustmentSerializer(page, many=True).data)


class LandlordNeighbourhoods(LandlordView, PartnerListView):
    serializer_class = serializers.NeighbourhoodSerializer

    @extend_schema(summary=gettext_lazy("Les quartiers du bailleur"), tags=["bailleur"])
    def get(self, request):
        return super().get(request)

    def get_queryset(self):
        return (
            Neighbourhood.objects.filter(landlord=self.organisation)
            .with_dwelling_counts()
            .order_by("name")
        )


class LandlordRegister(LandlordView, PartnerListView):
    serializer_class = serializers.DwellingSerializer

    @extend_schema(
        summary=gettext_lazy("Le registre des logements d'un quartier du bailleur"),
        description=gettext_lazy("Les logements, sans le nom d'aucun foyer."),
        tags=["bailleur"],
    )
    def get(self, request, slug):
        return super().get(request)

    def get_queryset(self):
        nbh = Neighbourhood.objects.filter(
            landlord=self.organisation, slug=self.kwargs["slug"]
        ).first()
        if nbh is None:
            raise exceptions.NotFound()
        return (
            Dwelling.objects.filter(neighbourhood=nbh)
            .select_related("sector")
            .order_by("reference")
        )


# --- The operator ----------------------------------------------------------------------------


class OperatorView(PartnerView):
    partner_kinds = (Kind.OPERATOR,)

    def requests(self):
        """The requests sent to this operator: transmitted, for the offer it provides."""
        if not Offer.objects.filter(operator=self.organisation).exists():
            return Subscription.objects.none()
        return Subscription.objects.filter(sent_on__isnull=False).select_related(
            "dwelling__neighbourhood", "household", "sent_in"
        )

    def one(self, pk: int) -> Subscription:
        sub = self.requests().filter(pk=pk).first()
        if sub is None:
            raise exceptions.NotFound()
        return sub


class RequestList(OperatorView, PartnerListView):
    serializer_class = serializers.RequestSerializer

    @extend_schema(
        summary=gettext_lazy("Les demandes de connexion transmises à l'opérateur"),
        parameters=[serializers.RequestFilterSerializer],
        tags=["opérateur"],
    )
    def get(self, request):
        return super().get(request)

    def get_queryset(self):
        filters = serializers.RequestFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        qs = self.requests().order_by("id")
        if filters.validated_data.get("statut"):
            qs = qs.filter(status=filters.validated_data["statut"])
        return qs


class RequestDetail(OperatorView):
    @extend_schema(
        summary=gettext_lazy("Une demande de connexion"),
        responses=serializers.RequestSerializer,
        tags=["opérateur"],
    )
    def get(self, request, pk):
        return Response(serializers.RequestSerializer(self.one(pk)).data)


class RequestTransition(OperatorView):
    """Run one service of `subscriptions.services`, as the subscription's page does."""

    body = None

    def move(self, sub, data):
        raise NotImplementedError

    def post(self, request, pk):
        sub = self.one(pk)
        body = self.body(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            self.move(sub, body.validated_data)
        except services.SubscriptionError as exc:
            raise Conflict(str(exc)) from exc
        return Response(serializers.RequestSerializer(self.one(pk)).data)


class Conflict(exceptions.APIException):
    status_code = 409


TRANSITION_RESPONSES = {
    200: serializers.RequestSerializer,
    409: OpenApiResponse(description=gettext_lazy("Refusé dans l'état actuel de la demande.")),
}


class RequestActivation(RequestTransition):
    body = serializers.ActivationSerializer

    @extend_schema(
        summary=gettext_lazy("Enregistrer l'activation d'une demande"),
        description=gettext_lazy(
            "Date d'activation du modem et son numéro de série : l'abonnement devient actif, "
            "comme depuis sa page, avec l'opérateur pour auteur dans son historique. Sans "
            "effet quand il est déjà actif."
        ),
        request=serializers.ActivationSerializer,
        responses=TRANSITION_RESPONSES,
        tags=["opérateur"],
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def move(self, sub, data):
        services.subscription_activate(
            subscription=sub,
            by=self.request.user,
            activated_on=data["activee_le"],
            modem_serial=data["numero_modem"],
        )


class RequestRefusal(RequestTransition):
    body = serializers.RefusalSerializer

    @extend_schema(
        summary=gettext_lazy("Enregistrer le refus d'une demande"),
        description=gettext_lazy(
            "La connexion ne peut pas être faite : la demande est résiliée à cette date avec "
            "le motif donné, comme depuis sa page. Refusé pour un abonnement déjà actif."
        ),
        request=serializers.RefusalSerializer,
        responses=TRANSITION_RESPONSES,
        tags=["opérateur"],
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def move(self, sub, data):
        if sub.status == Subscription.Status.ACTIVE:
            raise services.SubscriptionError(
                _("Cet abonnement est actif : une résiliation se fait depuis sa page.")
            )
        if sub.status == Subscription.Status.CANCELLED:
            return
        services.subscription_cancel(
            subscription=sub,
            by=self.request.user,
            cancelled_on=data["refusee_le"],
            reason=_("Refus de l'opérateur : %(motif)s") % {"motif": data["motif"].strip()},
        )


# --- The city --------------------------------------------------------------------------------


class CityFigures(PartnerView):
    partner_kinds = (Kind.CITY,)

    @extend_schema(
        summary=gettext_lazy("Les chiffres du programme par quartier et par mois"),
        description=gettext_lazy(
            "Pour chaque quartier lancé et chaque mois : logements, abonnements actifs à la "
            "fin du mois, taux pour 100 logements, montant facturé et montant par abonné "
            "(les définitions du tableau de bord). Au plus 60 mois par appel."
        ),
        parameters=[serializers.FiguresFilterSerializer],
        responses=serializers.FigureSerializer(many=True),
        tags=["ville"],
    )
    def get(self, request):
        filters = serializers.FiguresFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        today = timezone.localdate()
        try:
            end = services.parse_month(filters.validated_data.get("jusqu_a") or today)
            default_start = (end - datetime.timedelta(days=320)).replace(day=1)
            start = services.parse_month(filters.validated_data.get("depuis") or default_start)
        except services.ChargeError as exc:
            raise exceptions.ValidationError({"mois": [str(exc)]}) from exc
        if end > today.replace(day=1):
            raise exceptions.ValidationError({"jusqu_a": [_("Ce mois n'est pas encore commencé.")]})
        if start > end:
            raise exceptions.ValidationError({"depuis": [_("Le premier mois suit le dernier.")]})
        months = stats.month_starts(start, end)
        if len(months) > MAX_FIGURE_MONTHS:
            raise exceptions.ValidationError(
                {"depuis": [_("Au plus %(n)d mois par appel.") % {"n": MAX_FIGURE_MONTHS}]}
            )
        last_day = min(stats.month_end(end), today)
        launched = list(Neighbourhood.objects.filter(launched_on__isnull=False).order_by("name"))
        series = stats.subscription_series(launched, start, last_day)
        billed = {
            (f.neighbourhood.pk, f.month): f
            for f in stats.billed_per_subscriber(launched, start, last_day)
        }
        rows = []
        for line in series:
            for point in line.points:
                month = point.day.replace(day=1)
                figures = billed[(line.neighbourhood.pk, month)]
                rows.append(
                    {
                        "quartier": line.neighbourhood.name,
                        "identifiant": line.neighbourhood.slug,
                        "mois": month.strftime("%Y-%m"),
                        "logements": point.dwellings,
                        "abonnes_actifs": point.active,
                        "taux": point.rate,
                        "montant_facture": figures.billed,
                        "montant_par_abonne": figures.per_subscriber,
                    }
                )
        return Response(serializers.FigureSerializer(rows, many=True).data)


# --- Schema, documentation, anything else ----------------------------------------------------


class SchemaView(Logged, SpectacularAPIView):
    """The OpenAPI 3 schema, public (it describes the API, it holds no data)."""

    content_negotiation_class = DefaultContentNegotiation
    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]
    authentication_classes = []
    permission_classes = [AllowAny]


@extend_schema(exclude=True)
class NotFound(Logged, APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound()


@require_GET
def docs(request):
    """The documentation page: Swagger UI from the vendored sidecar, no inline script."""
    started = time.monotonic()
    response = render(request, "api/docs.html")
    api_services.api_call_record(
        token=None,
        method=request.method,
        route="api:docs",
        status=response.status_code,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    return response
