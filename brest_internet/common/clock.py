"""The programme's calendar: what "today" is for pages and rules that depend on the date.

In production it is the real date. The demo (`make run`) sets DEMO_TODAY to a day just after the
source's story (February 2014), so that a newcomer opening it sees a live programme (reviews up to
date, charts ending on that day) rather than twelve years of silence; settings.py refuses the
variable when DEBUG is off. Stored timestamps (created_at, certified_at…) keep the real time.
"""

import datetime

from django.conf import settings
from django.utils import timezone


def today() -> datetime.date:
    """The programme's current day: the demo's day when the demo clock is set."""
    return getattr(settings, "DEMO_TODAY", None) or timezone.localdate()


def now() -> datetime.datetime:
    """The current moment (aware); on the demo clock, the demo's day at the real time of day."""
    demo = getattr(settings, "DEMO_TODAY", None)
    if not demo:
        return timezone.now()
    local = timezone.localtime()
    return local.replace(year=demo.year, month=demo.month, day=demo.day)
