"""Demo data of the support app, February 2014.

Workshops are the most requested support (the source): monthly sessions at the centre of each
running neighbourhood since its launch, mostly full, with waiting lists, a few cancellations
(the first in line then took the seat) and attendance for the sessions already held; one
session of March moved by the centre's facilitator to a bigger room on another day, its two
extra places going to the waiting list (its page tells who changed what). Valy-Hir's
two launch half-days (5 and 19 February 2014) with what was recorded at the table: connection
requests (those the subscriptions demo recorded), workshop sign-ups, computers at €40 and €70.
Home-help requests are few (the source says so); legal-advice requests go to the CSF and CLCV.

Idempotent: each part looks for what it would create first. Big sets are bulk-created.
"""

import datetime
import random

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from neighborhoods.models import Meeting, Neighbourhood, Occupancy, Organisation, User

from .models import (
    AdviceRequest,
    CentreCalendar,
    ComputerModel,
    ComputerOrder,
    HalfDayVisit,
    HomeHelpRequest,
    Registration,
    WorkshopSession,
    WorkshopTopic,
)
from .summaries import workshop_months_rebuild

D = datetime.date

TOPICS = [
    ("Premiers pas sur Internet", "Allumer l'ordinateur, naviguer, chercher une information."),
    ("Le courrier électronique", "Créer une adresse, écrire, joindre un document."),
    ("Démarches en ligne", "CAF, Pôle emploi, impôts, bailleur : les démarches sur Internet."),
    ("Photos et multimédia", "Transférer ses photos, les partager, écouter de la musique."),
    ("Se protéger sur Internet", "Mots de passe, arnaques, protéger ses enfants."),
    ("Rester en contact", "Messagerie instantanée et appels vidéo avec ses proches."),
]
# name, price, stock left at the end of February 2014
COMPUTERS = [
    ("Ordinateur fixe reconditionné", 40, 14),
    ("Ordinateur portable reconditionné", 70, 6),
]
# Fallback when the neighbourhoods demo has no timeline (it exports one).
LAUNCHES = {"Kerourien": D(2010, 3, 1), "Keredern": D(2012, 4, 1), "Valy-Hir": D(2014, 2, 1)}
HALF_DAYS = [D(2014, 2, 5), D(2014, 2, 19)]
FACILITATORS = {
    "Kerourien": ["Malo Quéré", "Gwenaëlle Tanguy"],
    "Keredern": ["Erwan Le Roux", "Sophie Caradec"],
    "Valy-Hir": ["Nolwenn Abiven", "Thomas Le Bras"],
}


def _timeline():
    from neighborhoods.demo import TIMELINE

    return TIMELINE


def _aware(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _month_starts(first, last):
    day = first.replace(day=1)
    while day <= last:
        yield day
        day = (day + datetime.timedelta(days=32)).replace(day=1)


def load(ctx):
    rng = random.Random(2014)
    topics = []
    for position, (name, description) in enumerate(TOPICS):
        topic, _created = WorkshopTopic.objects.get_or_create(
            name=name, defaults={"description": description, "position": position}
        )
        topics.append(topic)
    computers = []
    for name, price, stock in COMPUTERS:
        computer, _created = ComputerModel.objects.get_or_create(
            name=name, defaults={"price": price, "stock": stock}
        )
        computers.append(computer)
    ctx.progress(
        _("%(t)d thèmes d'atelier, %(c)d modèles d'ordinateur")
        % {
            "t": len(topics),
            "c": len(computers),
        }
    )

    calendars = load_calendars()
    ctx.progress(_("%(n)d agendas de centre à s'abonner") % {"n": calendars})

    running = {
        nbh.name: nbh
        for nbh in Neighbourhood.objects.filter(name__in=list(LAUNCHES)).select_related("centre")
        if nbh.centre_id
    }
    timeline = _timeline()
    occupants = {}
    for name, nbh in running.items():
        pairs = list(
            Occupancy.objects.filter(dwelling__neighbourhood=nbh, moved_out__isnull=True)
            .order_by("dwelling__reference")
            .values_list("household_id", "dwelling_id")
        )
        if pairs:
            occupants[name] = pairs
    if not occupants:
        ctx.progress(_("Pas de foyers dans les quartiers : accompagnement non chargé."))
        return

    if not WorkshopSession.objects.exists():
        sessions, regs = load_workshops(ctx, rng, running, occupants, topics, timeline)
        ctx.progress(_("%(s)d séances d'atelier, %(r)d inscriptions") % {"s": sessions, "r": regs})
        moved = move_a_session(running)
        if moved is not None:
            ctx.progress(
                ngettext(
                    "Séance du %(old)s déplacée au %(new)s, "
                    "%(n)d foyer sorti de la liste d'attente",
                    "Séance du %(old)s déplacée au %(new)s, "
                    "%(n)d foyers sortis de la liste d'attente",
                    len(moved.promoted),
                )
                % {
                    "old": f"{MOVED_FROM:%d/%m/%Y}",
                    "new": f"{MOVED_TO:%d/%m/%Y}",
                    "n": len(moved.promoted),
                }
            )
    if "Valy-Hir" in running and not HalfDayVisit.objects.exists():
        visits = load_half_days(ctx, rng, running["Valy-Hir"], occupants["Valy-Hir"], computers)
        ctx.progress(_("%(n)d foyers reçus aux demi-journées de lancement") % {"n": visits})
    if not ComputerOrder.objects.filter(half_day__isnull=True).exists():
        orders = load_orders(rng, running, occupants, computers, timeline)
        ctx.progress(_("%(n)d commandes d'ordinateur hors demi-journées") % {"n": orders})
    if not HomeHelpRequest.objects.exists():
        ctx.progress(
            _("%(n)d demandes d'aide à domicile") % {"n": load_home_help(rng, running, occupants)}
        )
    if not AdviceRequest.objects.exists():
        ctx.progress(
            _("%(n)d demandes de conseil juridique") % {"n": load_advice(rng, running, occupants)}
        )
    # Sessions and sign-ups were written in bulk, not through the services: the dashboard's
    # summary of the workshops is recounted from them.
    workshop_months_rebuild()


def load_workshops(ctx, rng, running, occupants, topics, timeline):
    """Two sessions a month at each running neighbourhood's centre, from its launch to March."""
    system = User.objects.system()  # who cancelled, in the demo's story
    last = D(2014, 3, 31)  # the sessions of March are already open for sign-ups
    sessions = []
    for name, nbh in running.items():
        if name not in occupants:
            continue
        launch = timeline.get(name, {}).get("launch") or LAUNCHES[name]
        for month in _month_starts(launch, last):
            for slot, (day, hour) in enumerate([(9, 14), (23, 9)]):
                starts = _aware(month.replace(day=day), hour, 30 if hour == 9 else 0)
                sessions.append(
                    WorkshopSession(
                        topic=topics[(month.month + slot * 3 + month.year) % len(topics)],
                        centre=nbh.centre,
                        neighbourhood=nbh,
                        starts_at=starts,
                        ends_at=starts + datetime.timedelta(hours=2),
                        place=str(nbh.centre.name),
                        facilitator=FACILITATORS[name][slot],
                        capacity=rng.choice([8, 10, 10, 12]),
                        created_at=starts - datetime.timedelta(days=30),
                    )
                )
    for session in sessions:
        session._history_date = session.created_at  # the history starts when it was programmed
    sessions = bulk_create_with_history(sessions, WorkshopSession, batch_size=500)
    now = _aware(ctx.today, 18)
    regs = []
    for session in sessions:
        pool = occupants[session.neighbourhood.name]
        # Workshops are the most requested support: most sessions fill up, many with a queue.
        wanted = session.capacity + rng.choice([-2, -1, 0, 0, 1, 2, 3])
        if session.neighbourhood.name == "Valy-Hir":
            # Valy-Hir's residents mostly signed up at the launch half-days (loaded next).
            wanted = rng.randint(1, 3)
        households = rng.sample([h for h, _d in pool], min(wanted, len(pool)))
        opens = session.starts_at - datetime.timedelta(days=21)
        held = session.starts_at <= now
        seated = 0
        for rank, household in enumerate(households):
            at = opens + datetime.timedelta(hours=5 * rank + rng.randint(0, 4))
            reg = Registration(session=session, household_id=household, registered_at=at)
            if seated < session.capacity:
                reg.status = Registration.Status.REGISTERED
                seated += 1
            else:
                reg.status = Registration.Status.WAITING
            regs.append(reg)
        # One cancellation in a full session out of three: the first in line took the seat.
        session_regs = regs[-len(households) :]
        waiting = [r for r in session_regs if r.status == Registration.Status.WAITING]
        if waiting and rng.random() < 0.33:
            leaver = session_regs[rng.randrange(seated)]
            leaver.status = Registration.Status.CANCELLED
            leaver.cancelled_at = session.starts_at - datetime.timedelta(days=3)
            leaver.cancelled_by = system
            waiting[0].status = Registration.Status.REGISTERED
            waiting[0].promoted_at = leaver.cancelled_at
        if held:
            for reg in session_regs:
                if reg.status == Registration.Status.REGISTERED:
                    reg.attendance = (
                        Registration.Attendance.ATTENDED
                        if rng.random() < 0.82
                        else Registration.Attendance.ABSENT
                    )
    bulk_create_with_history(regs, Registration, batch_size=1000)
    return len(sessions), len(regs)


# Kerourien's session of Sunday 23 March 2014 (full, with a waiting list) moves to Wednesday 26,
# in the multimedia room, which has two more places.
MOVED_FROM, MOVED_TO = D(2014, 3, 23), D(2014, 3, 26)


def move_a_session(running):
    """The edit of a session as the centre's staff make it, through `support.services`."""
    from .services import session_update

    nbh = running.get("Kerourien")
    if nbh is None:
        return None
    session = WorkshopSession.objects.filter(
        neighbourhood=nbh, starts_at=_aware(MOVED_FROM, 9, 30)
    ).first()
    if session is None:
        return None
    by = (
        User.objects.filter(username="animateur", organisation=nbh.centre).first()
        or User.objects.system()
    )
    starts = _aware(MOVED_TO, 9, 30)
    return session_update(
        session=session,
        changes={
            "starts_at": starts,
            "ends_at": starts + datetime.timedelta(hours=2),
            "place": f"{nbh.centre.name} – salle multimédia",
            "capacity": session.capacity + 2,
        },
        by=by,
        now=_aware(D(2014, 2, 24), 10),  # decided on the Monday before the demo's date
    )


def load_half_days(ctx, rng, nbh, pool, computers):
    """Valy-Hir's two launch half-days and what the table recorded for each household."""
    from subscriptions.models import Subscription

    meetings = []
    for day in HALF_DAYS:
        meeting, _created = Meeting.objects.get_or_create(
            neighbourhood=nbh,
            kind=Meeting.Kind.LAUNCH,
            held_on=day,
            defaults={
                "place": str(nbh.centre.name),
                "starts_at": datetime.time(14, 0),
                "ends_at": datetime.time(18, 0),
            },
        )
        meetings.append(meeting)
    connected = {
        meeting.pk: list(
            Subscription.objects.filter(half_day=meeting)
            .order_by("id")
            .values_list("household_id", flat=True)
        )
        for meeting in meetings
    }
    taken = {h for ids in connected.values() for h in ids}
    others = [h for h, _d in pool if h not in taken]
    rng.shuffle(others)
    visits, regs, orders = [], [], []
    seats = {}
    for meeting in meetings:
        sessions = list(
            WorkshopSession.objects.filter(
                neighbourhood=nbh, starts_at__gt=_aware(meeting.held_on, 18)
            ).order_by("starts_at")[:4]
        )
        # Those who asked for the connection, and a few who came for a workshop or a computer.
        extra = [others.pop() for _ in range(min(6, len(others)))]
        households = [(h, True) for h in connected[meeting.pk]] + [(h, False) for h in extra]
        for rank, (household, connection) in enumerate(households):
            at = _aware(meeting.held_on, 14) + datetime.timedelta(minutes=7 * rank)
            visits.append(
                HalfDayVisit(
                    half_day=meeting,
                    household_id=household,
                    connection_requested=connection,
                    recorded_at=at,
                )
            )
            if sessions and (not connection or rng.random() < 0.6):
                session = sessions[rank % len(sessions)]
                taken_seats = seats.setdefault(
                    session.pk,
                    session.registrations.filter(status=Registration.Status.REGISTERED).count(),
                )
                already = session.registrations.filter(household_id=household).exists()
                if not already:
                    full = taken_seats >= session.capacity
                    regs.append(
                        Registration(
                            session=session,
                            household_id=household,
                            status=(
                                Registration.Status.WAITING
                                if full
                                else Registration.Status.REGISTERED
                            ),
                            registered_at=at,
                            half_day=meeting,
                        )
                    )
                    seats[session.pk] = taken_seats + (0 if full else 1)
            if not connection or rng.random() < 0.3:
                computer = computers[len(orders) % 2]
                first = meeting.held_on == HALF_DAYS[0]
                orders.append(
                    ComputerOrder(
                        household_id=household,
                        neighbourhood=nbh,
                        computer=computer,
                        price=computer.price,
                        ordered_on=meeting.held_on,
                        half_day=meeting,
                        status=(
                            ComputerOrder.Status.HANDED_OVER
                            if first
                            else ComputerOrder.Status.ORDERED
                        ),
                        paid_on=meeting.held_on if first else None,
                        handed_over_on=HALF_DAYS[1] if first else None,
                    )
                )
    bulk_create_with_history(visits, HalfDayVisit)
    bulk_create_with_history(regs, Registration)
    bulk_create_with_history(orders, ComputerOrder)
    return len(visits)


def load_orders(rng, running, occupants, computers, timeline):
    """Computers sold in the running neighbourhoods since their launch (both prices)."""
    system = User.objects.system()  # who cancelled, in the demo's story
    orders = []
    for name, nbh in running.items():
        if name == "Valy-Hir" or name not in occupants:
            continue
        launch = timeline.get(name, {}).get("launch") or LAUNCHES[name]
        households = rng.sample([h for h, _d in occupants[name]], 24)
        for i, household in enumerate(households):
            computer = computers[i % 2]
            ordered = launch + datetime.timedelta(days=rng.randint(3, 600))
            ordered = min(ordered, D(2014, 2, 20))
            cancelled = i % 12 == 11
            orders.append(
                ComputerOrder(
                    household_id=household,
                    neighbourhood=nbh,
                    computer=computer,
                    price=computer.price,
                    ordered_on=ordered,
                    status=(
                        ComputerOrder.Status.CANCELLED
                        if cancelled
                        else ComputerOrder.Status.HANDED_OVER
                    ),
                    paid_on=None if cancelled else ordered + datetime.timedelta(days=7),
                    handed_over_on=None if cancelled else ordered + datetime.timedelta(days=7),
                    cancelled_on=ordered + datetime.timedelta(days=5) if cancelled else None,
                    cancelled_at=_aware(ordered + datetime.timedelta(days=5), 10)
                    if cancelled
                    else None,
                    cancelled_by=system if cancelled else None,
                )
            )
    bulk_create_with_history(orders, ComputerOrder)
    return len(orders)


def load_home_help(rng, running, occupants):
    """Few home-help requests (the source): installing the modem, the first connection."""
    system = User.objects.system()  # who cancelled, in the demo's story
    K, S = HomeHelpRequest.Kind, HomeHelpRequest.Status
    plan = {
        "Kerourien": [
            (K.MODEM, S.DONE, D(2010, 3, 15)),
            (K.FIRST_CONNECTION, S.DONE, D(2010, 4, 2)),
            (K.MODEM, S.CANCELLED, D(2011, 1, 10)),
        ],
        "Keredern": [
            (K.MODEM, S.DONE, D(2012, 4, 20)),
            (K.FIRST_CONNECTION, S.DONE, D(2012, 5, 3)),
            (K.FIRST_CONNECTION, S.DONE, D(2013, 10, 8)),
        ],
        "Valy-Hir": [
            (K.MODEM, S.DONE, D(2014, 2, 10)),
            (K.MODEM, S.SCHEDULED, D(2014, 2, 20)),
            (K.FIRST_CONNECTION, S.REQUESTED, D(2014, 2, 24)),
        ],
    }
    outcomes = {
        K.MODEM: _("Modem branché sur la prise TV, voyants au vert, connexion testée."),
        K.FIRST_CONNECTION: _("Première connexion faite, adresse électronique créée ensemble."),
    }
    requests = []
    for name, items in plan.items():
        if name not in occupants:
            continue
        picks = rng.sample(occupants[name], len(items))
        for (kind, status, day), (household, dwelling) in zip(items, picks, strict=True):
            done = status == S.DONE
            requests.append(
                HomeHelpRequest(
                    household_id=household,
                    dwelling_id=dwelling,
                    neighbourhood=running[name],
                    kind=kind,
                    status=status,
                    requested_on=day,
                    scheduled_for=(
                        day + datetime.timedelta(days=6)
                        if status in (S.DONE, S.SCHEDULED)
                        else None
                    ),
                    done_on=day + datetime.timedelta(days=6) if done else None,
                    outcome=outcomes[kind] if done else "",
                    cancelled_at=_aware(day + datetime.timedelta(days=3), 10)
                    if status == S.CANCELLED
                    else None,
                    cancelled_by=system if status == S.CANCELLED else None,
                )
            )
    bulk_create_with_history(requests, HomeHelpRequest)
    return len(requests)


def load_advice(rng, running, occupants):
    """Questions on operator contracts, answered by the CSF or the CLCV."""
    T, S = AdviceRequest.Topic, AdviceRequest.Status
    questions = [
        (
            T.CANCELLATION,
            _("Comment résilier mon ancien abonnement Internet sans payer de frais ?"),
            _(
                "Envoyez une lettre recommandée avec le modèle joint ; les frais de "
                "résiliation sont plafonnés par la loi Chatel."
            ),
        ),
        (
            T.UNDERSTANDING,
            _("Que comprend exactement l'offre à 1 € ? Le téléphone est-il inclus ?"),
            _(
                "La connexion à 5 Mbit/s, les appels entrants et la télévision de base ; "
                "les appels sortants sont facturés par l'opérateur."
            ),
        ),
        (
            T.CHANGE,
            _("Puis-je passer à une offre plus rapide chez le même opérateur ?"),
            _("Oui, mais ce sera un contrat individuel : l'opérateur facture alors la différence."),
        ),
        (T.CANCELLATION, _("Mon ancien opérateur me réclame le modem : que faire ?"), ""),
    ]
    requests = []
    for name, nbh in running.items():
        if name not in occupants:
            continue
        associations = list(nbh.associations.order_by("name"))
        if not associations:
            continue
        launch = LAUNCHES[name]
        picks = rng.sample(occupants[name], len(questions))
        for i, ((topic, question, answer), (household, _d)) in enumerate(
            zip(questions, picks, strict=True)
        ):
            day = min(launch + datetime.timedelta(days=20 + 45 * i), D(2014, 2, 26))
            answered = bool(answer) and day < D(2014, 2, 20)
            requests.append(
                AdviceRequest(
                    household_id=household,
                    neighbourhood=nbh,
                    association=associations[i % len(associations)],
                    topic=topic,
                    question=question,
                    requested_on=day,
                    status=S.ANSWERED if answered else S.OPEN,
                    answer=answer if answered else "",
                    answered_at=_aware(day + datetime.timedelta(days=4), 11) if answered else None,
                )
            )
    bulk_create_with_history(requests, AdviceRequest)
    return len(requests)


def load_calendars():
    """Each centre's calendar feed (its secret address and the contact of its files)."""
    centres = Organisation.objects.filter(kind=Organisation.Kind.CENTRE).order_by("name")
    for centre in centres:
        contact = f"accueil@{slugify(centre.short_name or centre.name)}.example"
        CentreCalendar.objects.get_or_create(centre=centre, defaults={"contact": contact})
    return len(centres)
