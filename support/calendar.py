"""Workshop sessions as iCalendar (RFC 5545) files: one per session, one feed per centre.

A session's file is for the household (it can be forwarded by e-mail or printed as a QR code):
the workshop, the place, the centre and its contact, never a name of a household nor the
facilitator's. A centre's feed is for its staff's calendar app: its sessions from
`FEED_WEEKS_BACK` weeks ago onwards, with the number of sign-ups and of households waiting
(counts, no names).

Times are written in Europe/Paris with its VTIMEZONE, so that an app shows 14:00 in Brest
whatever the time zone of the phone. The UID of a session never changes; its SEQUENCE is the
number of changes in its history (moved, re-placed, cancelled…), so an app replaces its copy
when the session moved, and shows STATUS:CANCELLED once it is cancelled.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar, Event, vCalAddress

from .models import CentreCalendar, WorkshopSession, new_calendar_token

PRODID = "-//Internet pour tous en habitat social//Brest//FR"
# Stable whatever the host name the page was reached by: a UID must never change.
UID_DOMAIN = "internet-pour-tous.brest"
FEED_WEEKS_BACK = 8
CONTENT_TYPE = "text/calendar; charset=utf-8"


def session_uid(session) -> str:
    return f"atelier-{session.pk}@{UID_DOMAIN}"


def sessions_for_calendar():
    """Sessions with what a calendar file prints, in one query whatever their number."""
    return WorkshopSession.objects.with_counts().with_sequence().select_related("topic", "centre")


def _organizer(centre, contact: str):
    """The centre as ORGANIZER when its contact is an e-mail address (RFC 5545 wants a URI)."""
    if "@" not in contact or " " in contact.strip():
        return None
    address = vCalAddress(f"mailto:{contact.strip()}")
    address.params["cn"] = centre.name
    return address


def _event(session, *, contact: str, for_staff: bool, stamp: datetime.datetime) -> Event:
    paris = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    lines = []
    if session.topic.description:
        lines.append(session.topic.description)
    if session.is_cancelled:
        lines.append(_("Séance annulée."))
    centre_line = _("Organisé par %(centre)s.") % {"centre": session.centre.name}
    if contact:
        centre_line += " " + _("Contact : %(contact)s") % {"contact": contact}
    lines.append(centre_line)
    if for_staff:
        lines.append(
            ngettext(
                "%(r)d inscrit sur %(c)d place",
                "%(r)d inscrits sur %(c)d places",
                session.capacity,
            )
            % {"r": session.registered_count, "c": session.capacity}
            + ", "
            + ngettext(
                "%(w)d foyer en liste d'attente.",
                "%(w)d foyers en liste d'attente.",
                session.waiting_count,
            )
            % {"w": session.waiting_count}
        )
        lines.append(_("Animation : %(name)s") % {"name": session.facilitator})
    # A place often names its centre already ("Centre social de Kerourien – salle multimédia").
    place = session.place.strip()
    location = place if session.centre.name in place else session.centre.name
    if place and location != place:
        location += f" – {place}"
    event = Event.new(
        uid=session_uid(session),
        sequence=session.sequence,
        stamp=stamp,
        # iCalendar counts in whole seconds.
        start=timezone.localtime(session.starts_at, paris).replace(microsecond=0),
        end=timezone.localtime(session.ends_at, paris).replace(microsecond=0),
        summary=str(session.topic),
        location=location,
        description="\n".join(lines),
        status="CANCELLED" if session.is_cancelled else "CONFIRMED",
        organizer=_organizer(session.centre, contact),
    )
    return event


def _calendar(events, *, name: str, sessions) -> bytes:
    calendar = Calendar.new(prodid=PRODID, name=name, subcomponents=events)
    if sessions:
        # Only the transitions of the years the sessions fall in, not 1970–2038.
        first = min(s.starts_at for s in sessions).date() - datetime.timedelta(days=1)
        last = max(s.ends_at for s in sessions).date() + datetime.timedelta(days=1)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()


def contact_of(centre) -> str:
    calendar = CentreCalendar.objects.filter(centre=centre).only("contact").first()
    return calendar.contact if calendar else ""


def session_ics(session, *, contact: str) -> bytes:
    """The file of one session (annotated by `sessions_for_calendar`), safe to hand over."""
    event = _event(session, contact=contact, for_staff=False, stamp=timezone.now())
    return _calendar([event], name=str(session.topic), sessions=[session])


def feed_sessions(centre, *, now=None):
    now = now or timezone.now()
    since = now - datetime.timedelta(weeks=FEED_WEEKS_BACK)
    return sessions_for_calendar().filter(centre=centre, ends_at__gte=since).order_by("starts_at")


def feed_ics(calendar: CentreCalendar) -> bytes:
    """The staff's feed of a centre: its sessions, recent and to come, with their counts."""
    sessions = list(feed_sessions(calendar.centre))
    stamp = timezone.now()
    events = [_event(s, contact=calendar.contact, for_staff=True, stamp=stamp) for s in sessions]
    name = _("Ateliers – %(centre)s") % {"centre": calendar.centre.name}
    return _calendar(events, name=name, sessions=sessions)


# State changes of a centre's calendar (kept beside the files they serve rather than in
# services.py: the feature is self-contained, and the secret never leaves this module).


def calendar_for_centre(*, centre) -> CentreCalendar:
    """The centre's calendar, created with a fresh secret the first time it is asked for."""
    calendar, _created = CentreCalendar.objects.get_or_create(centre=centre)
    return calendar


def calendar_token_regenerate(*, centre, by) -> CentreCalendar:
    """Draw a new secret for the centre's feed: the former address stops answering at once."""
    with transaction.atomic():
        calendar = calendar_for_centre(centre=centre)
        calendar = CentreCalendar.objects.select_for_update().get(pk=calendar.pk)
        calendar.token = new_calendar_token()
        calendar.token_set_at = timezone.now()
        calendar.token_set_by = by
        calendar._history_user = by
        calendar.save(update_fields=["token", "token_set_at", "token_set_by"])
    return calendar


def calendar_contact_set(*, centre, contact: str, by) -> bool:
    """Change the contact printed in the centre's calendar files; False when unchanged."""
    contact = contact.strip()
    with transaction.atomic():
        calendar = calendar_for_centre(centre=centre)
        calendar = CentreCalendar.objects.select_for_update().get(pk=calendar.pk)
        if calendar.contact == contact:
            return False
        calendar.contact = contact
        calendar._history_user = by
        calendar.save(update_fields=["contact"])
    return True
