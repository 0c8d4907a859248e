"""Permission-matrix rows of the support app.

Support pages are for the coordination and the centres' staff; the associations reach only
the legal-advice pages. Another centre (or association) reaching a record by its id gets 404.
"""

import datetime

from django.utils import timezone

from . import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, Row, access, everyone

STAFF = ("coordinator", "centre", "other_centre")


def staff_page():
    """A list page: the staff of any centre, and the coordination."""
    return access(*STAFF)


def staff_get_only():
    return access(others=FORBIDDEN, **dict.fromkeys(STAFF, NOT_ALLOWED))


def scoped(other=NOT_FOUND):
    """A record of `world.nbh`: its centre and the coordination; the other centre gets 404."""
    return access("coordinator", "centre", other_centre=other)


def scoped_wrong_method():
    return access(others=FORBIDDEN, **dict.fromkeys(STAFF, NOT_ALLOWED))


def _pk(attr):
    return lambda w: {"pk": getattr(w.support, attr).pk}


ADVICE_READERS = ("coordinator", "centre", "other_centre", "association", "other_association")

ROWS = [
    # Workshops
    Row("support:session_list", get=staff_page(), post=staff_get_only()),
    Row("support:session_create", get=staff_page(), post=staff_page()),
    Row(
        "support:session_detail",
        get=scoped(),
        post=scoped_wrong_method(),
        kwargs=_pk("session"),
    ),
    Row("support:session_update", get=scoped(), post=scoped(), kwargs=_pk("session")),
    Row(
        "support:session_cancel",
        get=scoped(),
        post=scoped(),
        kwargs=_pk("session"),
        # The confirmed step: the reason, and the one sign-up the confirmation announced.
        data=lambda w: {"reason": "Animateur malade.", "expected": 1, "confirm": "1"},
    ),
    Row(
        "support:session_sign_up",
        get=scoped_wrong_method(),
        post=scoped(),
        kwargs=_pk("session"),
        data=lambda w: {"household": w.dwellings[1].occupancies.first().household_id},
    ),
    Row(
        "support:session_attendance",
        get=scoped(),
        post=scoped(),
        kwargs=_pk("past_session"),
    ),
    # A session's calendar file: the session page's scope, GET only.
    Row(
        "support:session_ics",
        get=scoped(),
        post=scoped_wrong_method(),
        kwargs=_pk("session"),
    ),
    Row(
        "support:session_sheet",
        get=scoped(),
        post=scoped_wrong_method(),
        kwargs=_pk("session"),
    ),
    Row(
        "support:registration_cancel",
        get=scoped_wrong_method(),
        post=scoped(),
        kwargs=_pk("registration"),
    ),
    # Launch half-days
    Row("support:half_day_list", get=staff_page(), post=staff_get_only()),
    # POST without data: the form again, with its errors (nothing created).
    Row("support:half_day_create", get=staff_page(), post=staff_page()),
    # Find the household a home help, an advice or a computer is for (GET only).
    Row("support:household_choose", get=staff_page(), post=staff_get_only()),
    Row("support:half_day_desk", get=scoped(), post=scoped(), kwargs=_pk("half_day")),
    # Households
    Row("support:household_list", get=staff_page(), post=staff_get_only()),
    Row(
        "support:household_detail",
        get=scoped(),
        post=scoped_wrong_method(),
        kwargs=lambda w: {"pk": w.household.pk},
    ),
    Row(
        "support:home_help_create",
        get=scoped(),
        post=scoped(),
        kwargs=lambda w: {"pk": w.household.pk},
    ),
    Row(
        "support:advice_create",
        get=scoped(),
        post=scoped(),
        kwargs=lambda w: {"pk": w.household.pk},
    ),
    Row(
        "support:order_create",
        get=scoped(),
        post=scoped(),
        kwargs=lambda w: {"pk": w.household.pk},
    ),
    # Home help
    Row("support:home_help_list", get=staff_page(), post=staff_get_only()),
    Row(
        "support:home_help_detail",
        get=scoped(),
        post=scoped_wrong_method(),
        kwargs=_pk("home_help"),
    ),
    Row(
        "support:home_help_schedule",
        get=scoped_wrong_method(),
        post=scoped(),
        kwargs=_pk("home_help"),
        data=lambda w: {"on": "2014-03-10"},
    ),
    Row(
        "support:home_help_done",
        get=scoped_wrong_method(),
        post=scoped(),
        kwargs=_pk("home_help"),
        data=lambda w: {"on": "2014-03-10", "outcome": "Modem branché."},
    ),
    Row(
        "support:home_help_cancel",
        get=scoped_wrong_method(),
        post=scoped(),
        kwargs=_pk("home_help"),
    ),
    # Legal advice: the associations read their own requests and answer them.
    Row(
        "support:advice_list",
        get=access(*ADVICE_READERS),
        post=access(others=FORBIDDEN, **dict.fromkeys(ADVICE_READERS, NOT_ALLOWED)),
    ),
    Row(
        "support:advice_detail",
        get=access(
            "coordinator",
            "centre",
            "association",
            other_centre=NOT_FOUND,
            other_association=NOT_FOUND,
        ),
        post=access(others=FORBIDDEN, **dict.fromkeys(ADVICE_READERS, NOT_ALLOWED)),
        kwargs=_pk("advice"),
    ),
    Row(
        "support:advice_answer",
        get=access(
            others=FORBIDDEN,
            coordinator=NOT_ALLOWED,
            association=NOT_ALLOWED,
            other_association=NOT_ALLOWED,
        ),
        post=access("coordinator", "association", other_association=NOT_FOUND),
        kwargs=_pk("advice"),
        data=lambda w: {"answer": "Vous pouvez résilier sans frais."},
    ),
    # Calendar feeds: the coordination manages every centre's, a centre's staff their own
    # (the index sends them there); the feed answers anyone holding its secret address.
    Row(
        "support:calendar_index",
        get=access("coordinator", centre=OK, other_centre=OK),
        post=staff_get_only(),
    ),
    Row(
        "support:calendar_detail",
        get=scoped(),
        post=scoped(),
        kwargs=lambda w: {"pk": w.orgs.centre.pk},
        data=lambda w: {"contact": "accueil@centre.example"},
    ),
    Row(
        "support:calendar_regenerate",
        get=scoped_wrong_method(),
        post=scoped(),
        kwargs=lambda w: {"pk": w.orgs.centre.pk},
    ),
    Row(
        "support:calendar_feed",
        get=everyone(OK),
        post=everyone(NOT_ALLOWED),
        kwargs=lambda w: {"token": w.support.calendar.token},
    ),
    # Computers
    Row("support:computer_list", get=staff_page(), post=staff_get_only()),
    Row(
        "support:order_detail",
        get=scoped(),
        post=scoped_wrong_method(),
        kwargs=_pk("order"),
    ),
    Row("support:order_pay", get=scoped_wrong_method(), post=scoped(), kwargs=_pk("order")),
    Row("support:order_hand_over", get=scoped_wrong_method(), post=scoped(), kwargs=_pk("order")),
    Row("support:order_cancel", get=scoped_wrong_method(), post=scoped(), kwargs=_pk("order")),
]


def populate(world):
    """Support records of `world.nbh` (served by the `centre` persona's centre)."""
    from types import SimpleNamespace

    from neighborhoods.models import Meeting, Occupancy
    from support.models import (
        AdviceRequest,
        CentreCalendar,
        ComputerModel,
        ComputerOrder,
        HomeHelpRequest,
        Registration,
        WorkshopSession,
        WorkshopTopic,
    )

    now = timezone.now()
    topic = WorkshopTopic.objects.create(name="Premiers pas sur Internet")
    session = WorkshopSession.objects.create(
        topic=topic,
        centre=world.orgs.centre,
        neighbourhood=world.nbh,
        starts_at=now + datetime.timedelta(days=7),
        ends_at=now + datetime.timedelta(days=7, hours=2),
        facilitator="Malo",
        capacity=8,
    )
    past_session = WorkshopSession.objects.create(
        topic=topic,
        centre=world.orgs.centre,
        neighbourhood=world.nbh,
        starts_at=now - datetime.timedelta(days=7),
        ends_at=now - datetime.timedelta(days=7) + datetime.timedelta(hours=2),
        facilitator="Malo",
        capacity=8,
    )
    registration = Registration.objects.create(
        session=session, household=world.household, status=Registration.Status.REGISTERED
    )
    Registration.objects.create(
        session=past_session, household=world.household, status=Registration.Status.REGISTERED
    )
    # A second household of the neighbourhood, to sign up.
    from tests import factories as f

    Occupancy.objects.create(
        household=f.HouseholdFactory(name="Famille Kerouac"),
        dwelling=world.dwellings[1],
        moved_in=datetime.date(2010, 1, 1),
    )
    half_day = Meeting.objects.create(
        neighbourhood=world.nbh, kind=Meeting.Kind.LAUNCH, held_on=datetime.date(2014, 2, 5)
    )
    home_help = HomeHelpRequest.objects.create(
        household=world.household,
        neighbourhood=world.nbh,
        dwelling=world.dwelling,
        kind=HomeHelpRequest.Kind.MODEM,
        requested_on=datetime.date(2014, 3, 1),
    )
    advice = AdviceRequest.objects.create(
        household=world.household,
        neighbourhood=world.nbh,
        association=world.orgs.association,
        topic=AdviceRequest.Topic.CANCELLATION,
        question="Comment résilier mon ancien abonnement ?",
    )
    computer = ComputerModel.objects.create(name="Portable reconditionné", price=70, stock=5)
    order = ComputerOrder.objects.create(
        household=world.household, neighbourhood=world.nbh, computer=computer, price=70
    )
    world.support = SimpleNamespace(
        calendar=CentreCalendar.objects.create(centre=world.orgs.centre),
        topic=topic,
        session=session,
        past_session=past_session,
        registration=registration,
        half_day=half_day,
        home_help=home_help,
        advice=advice,
        computer=computer,
        order=order,
    )
    return world
