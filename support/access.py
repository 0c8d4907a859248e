"""The `get_<thing>_for_user` helpers of the views: the object within the user's scope (the
rules of `support.rules`), or 404. A record reached by changing an id in the URL answers 404,
as if it did not exist."""

from django.shortcuts import get_object_or_404

from neighborhoods.models import Household

from .models import AdviceRequest, ComputerOrder, HomeHelpRequest, Registration, WorkshopSession
from .rules import half_days_for, households_for, neighbourhoods_for

__all__ = [
    "get_advice_for_user",
    "get_half_day_for_user",
    "get_home_help_for_user",
    "get_household_for_user",
    "get_order_for_user",
    "get_registration_for_user",
    "get_session_for_user",
    "half_days_for",
    "households_for",
    "neighbourhoods_for",
]


def get_session_for_user(user, pk, queryset=None):
    qs = queryset if queryset is not None else WorkshopSession.objects.all()
    return get_object_or_404(qs.visible_to(user), pk=pk)


def get_registration_for_user(user, pk):
    sessions = WorkshopSession.objects.visible_to(user)
    return get_object_or_404(
        Registration.objects.select_related("session", "household").filter(session__in=sessions),
        pk=pk,
    )


def get_household_for_user(user, pk, queryset=None):
    qs = queryset if queryset is not None else Household.objects.all()
    return get_object_or_404(qs.filter(pk__in=households_for(user).values("pk")), pk=pk)


def get_half_day_for_user(user, pk):
    return get_object_or_404(half_days_for(user).select_related("neighbourhood"), pk=pk)


def get_home_help_for_user(user, pk):
    qs = HomeHelpRequest.objects.select_related("household", "neighbourhood", "dwelling")
    return get_object_or_404(qs.visible_to(user), pk=pk)


def get_order_for_user(user, pk):
    qs = ComputerOrder.objects.select_related("household", "neighbourhood", "computer")
    return get_object_or_404(qs.visible_to(user), pk=pk)


def get_advice_for_user(user, pk):
    qs = AdviceRequest.objects.select_related(
        "household", "neighbourhood", "association", "answered_by"
    )
    return get_object_or_404(qs.visible_to(user), pk=pk)
