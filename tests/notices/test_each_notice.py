"""Each notice of the issue, on each channel: sent once to a household that consents to that
channel, through a real SMTP server and a stand-in of Brevo's SMS API; never to one that does
not consent; and never twice, however often the sender runs."""

import datetime

import pytest
from django.utils import timezone

from brest_internet.notices.models import Delivery, Notice
from brest_internet.notices.sending import notices_send_due
from neighborhoods.models import Meeting, Neighbourhood, User
from support import services as support
from support.models import AdviceRequest, ComputerModel, HomeHelpRequest
from tests.votes.factories import VoteFactory
from votes import services as vote_services
from votes.models import Vote

from .conftest import address_of, daytime

K = Notice.Kind


def sign_up(ctx, household):
    session = ctx.make_session()
    support.registration_create(session=session, household=household, by=User.objects.system())
    return daytime(), "Votre inscription est confirmée"


def reminder(ctx, household):
    session = ctx.make_session(starts=daytime(days=5, hour=14))
    support.registration_create(session=session, household=household, by=User.objects.system())
    Delivery.objects.all().delete()  # the confirmation: this test reads the reminder alone
    Notice.objects.all().delete()
    return daytime(days=3, hour=15), "Rappel"


def promotion(ctx, household):
    session = ctx.make_session(capacity=1)
    (first,) = ctx.households(1)
    taken = support.registration_create(session=session, household=first, by=User.objects.system())
    support.registration_create(session=session, household=household, by=User.objects.system())
    support.registration_cancel(registration=taken, by=User.objects.system())
    return daytime(), "Une place s'est libérée"


def moved(ctx, household):
    session = ctx.make_session()
    support.registration_create(session=session, household=household, by=User.objects.system())
    new = daytime(days=12, hour=9)
    support.session_update(
        session=session,
        changes={"starts_at": new, "ends_at": new + datetime.timedelta(hours=2)},
        by=User.objects.system(),
    )
    return daytime(), "Votre atelier change"


def cancelled(ctx, household):
    session = ctx.make_session()
    support.registration_create(session=session, household=household, by=User.objects.system())
    support.session_cancel(session=session, reason="Animateur malade", by=User.objects.system())
    return daytime(), "est annulé"


def _home_help(ctx, household):
    return HomeHelpRequest.objects.create(
        household=household, neighbourhood=ctx.world.nbh, kind=HomeHelpRequest.Kind.MODEM
    )


def visit_planned(ctx, household):
    req = _home_help(ctx, household)
    support.home_help_schedule(request=req, on=daytime(days=6).date(), by=User.objects.system())
    return daytime(), "Aide à domicile prévue le"


def visit_moved(ctx, household):
    req = _home_help(ctx, household)
    support.home_help_schedule(request=req, on=daytime(days=6).date(), by=User.objects.system())
    support.home_help_schedule(request=req, on=daytime(days=8).date(), by=User.objects.system())
    return daytime(), "est déplacée au"


def visit_tomorrow(ctx, household):
    req = _home_help(ctx, household)
    support.home_help_schedule(request=req, on=daytime(days=4).date(), by=User.objects.system())
    return daytime(days=3, hour=11), "aide à domicile demain"


def advice(ctx, household):
    req = AdviceRequest.objects.create(
        household=household,
        neighbourhood=ctx.world.nbh,
        association=ctx.world.orgs.association,
        topic=AdviceRequest.Topic.CANCELLATION,
        question="Comment résilier mon ancien abonnement ?",
    )
    support.advice_answer(request=req, answer="Par lettre recommandée.", by=User.objects.system())
    return daytime(), "CSF de test a répondu à votre question"


def computer(ctx, household):
    model = ComputerModel.objects.create(name="Portable reconditionné", price=70, stock=2)
    order = support.computer_order_create(
        household=household, computer=model, by=User.objects.system()
    )
    support.computer_order_pay(order=order, by=User.objects.system())
    return daytime(), "est payé : vous pouvez le retirer"


def vote(ctx, household):
    nbh = ctx.world.nbh
    Neighbourhood.objects.filter(pk=nbh.pk).update(stage=Neighbourhood.Stage.VOTE)
    today = timezone.localdate()
    Meeting.objects.create(
        neighbourhood=nbh,
        kind=Meeting.Kind.PUBLIC,
        held_on=today + datetime.timedelta(days=3),
        starts_at=datetime.time(18, 30),
        place="Maison de quartier",
    )
    v = VoteFactory(
        neighbourhood=nbh,
        method=Vote.Method.ONLINE,
        roll_date=today - datetime.timedelta(days=1),
        opens_on=today + datetime.timedelta(days=6),
        closes_on=today + datetime.timedelta(days=9),
    )
    v = vote_services.roll_freeze(vote=v, by=ctx.landlord_user)
    ctx.codes = [
        code for _entry, code in vote_services.codes_generate(vote=v, by=ctx.landlord_user)
    ]
    return daytime(), "Réunion d'information le"


TRIGGERS = {
    K.SIGN_UP_CONFIRMED: sign_up,
    K.WORKSHOP_REMINDER: reminder,
    K.PROMOTED: promotion,
    K.SESSION_MOVED: moved,
    K.SESSION_CANCELLED: cancelled,
    K.VISIT_PLANNED: visit_planned,
    K.VISIT_MOVED: visit_moved,
    K.VISIT_TOMORROW: visit_tomorrow,
    K.ADVICE_ANSWERED: advice,
    K.COMPUTER_READY: computer,
    K.VOTE_COMING: vote,
}


def test_every_kind_of_notice_has_its_test():
    assert set(TRIGGERS) == set(Notice.Kind)


@pytest.fixture
def ctx(world, make_session, households, landlord_user):
    class Ctx:
        pass

    c = Ctx()
    c.world, c.make_session, c.households, c.landlord_user = (
        world,
        make_session,
        households,
        landlord_user,
    )
    c.codes = []
    return c


@pytest.mark.parametrize("channel", ["email", "sms"])
@pytest.mark.parametrize("kind", list(TRIGGERS), ids=str)
def test_sent_once_to_a_household_consenting_to_the_channel(
    kind, channel, ctx, consent, outbox, world
):
    household = consent(world.household, email=channel == "email", sms=channel == "sms")
    email, number = address_of(household)
    when, words = TRIGGERS[kind](ctx, household)

    notices_send_due(now=when)
    notices_send_due(now=when + datetime.timedelta(minutes=5))  # the next run sends nothing

    notice = Notice.objects.get(kind=kind, household=household)
    delivery = notice.deliveries.get()
    assert delivery.channel == channel
    assert delivery.status == Delivery.Status.SENT
    if channel == "email":
        mails = [m for m in outbox.mail.to(email) if words in outbox.mail.body(m)]
        assert len(mails) == 1
        text = outbox.mail.body(mails[0])
        assert outbox.sms.received == []
        assert mails[0]["Message-ID"] == delivery.provider_id
    else:
        sms = [t for t in outbox.sms.to(number) if words in t]
        assert len(sms) == 1
        text = sms[0]
        assert text.endswith("Répondez STOP pour ne plus en recevoir.")
        assert outbox.mail.to(email) == []
        assert delivery.provider_id.isdigit()
    assert words in text
    # Who to call: the centre (or the association) is named in every notice.
    assert "Contact : " in text
    for code in ctx.codes:
        assert code not in text and code.replace("-", "") not in text.replace("-", "")


@pytest.mark.parametrize("kind", list(TRIGGERS), ids=str)
def test_never_sent_to_a_household_without_consent(kind, ctx, outbox, world, consent):
    household = world.household
    # Its neighbour consents (the same events reach it): only the neighbour hears.
    (neighbour,) = ctx.households(1)
    consent(neighbour)
    when, _words = TRIGGERS[kind](ctx, household)
    notices_send_due(now=when)
    assert not Notice.objects.filter(household=household).exists()
    assert not Delivery.objects.filter(household=household).exists()
    assert outbox.mail.messages == [] or all(
        household.name not in outbox.mail.body(m) for _r, m in outbox.mail.messages
    )
    sent_to = {r["json"]["recipient"] for r in outbox.sms.received}
    assert sent_to <= {address_of(neighbour)[1]}


def test_a_withdrawn_consent_stops_what_was_queued(ctx, consent, outbox, world):
    household = consent(world.household, email=False, sms=True)
    when, _words = sign_up(ctx, household)
    consent(household, email=False, sms=False)
    notices_send_due(now=when)
    delivery = Delivery.objects.get(household=household)
    assert delivery.status == Delivery.Status.DROPPED
    assert "accord retiré" in delivery.error
    assert outbox.sms.received == []
