"""A second URLconf for tests/common/test_menus.py: the same view at another address."""

from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("ailleurs/accessibilite/", HttpResponse, name="accessibility")]
