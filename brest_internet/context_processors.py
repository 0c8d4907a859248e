"""What every page needs to know about the running instance."""

from django.conf import settings


def demo_clock(request) -> dict:
    """The demo's day, when the demo clock is set, so that every page says which day it shows."""
    return {"DEMO_TODAY": settings.DEMO_TODAY}
