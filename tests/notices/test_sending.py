"""The sender: quiet hours, back-off on provider errors, failures and bounces visible, the
reminder dropped when it would arrive too late, English where chosen, idempotence."""

import datetime

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from brest_internet.notices import services
from brest_internet.notices.models import Contact, Delivery, Notice
from brest_internet.notices.sending import PARIS, notices_send_due, sms_allowed_from
from neighborhoods.models import User
from support import services as support

from .conftest import address_of, daytime


def paris(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)


def test_quiet_hours_are_from_eight_in_the_evening_to_eight_in_the_morning():
    day = datetime.date(2026, 6, 15)  # summer time: Paris is UTC+2
    assert sms_allowed_from(paris(day, 8)) == paris(day, 8)
    assert sms_allowed_from(paris(day, 19, 59)) == paris(day, 19, 59)
    assert sms_allowed_from(paris(day, 20)) == paris(day + datetime.timedelta(1), 8)
    assert sms_allowed_from(paris(day, 23, 30)) == paris(day + datetime.timedelta(1), 8)
    assert sms_allowed_from(paris(day, 2)) == paris(day, 8)
    winter = datetime.date(2026, 12, 15)
    assert sms_allowed_from(paris(winter, 7, 59)) == paris(winter, 8)


def test_an_sms_due_at_night_waits_until_eight_while_the_email_goes(
    world, consent, make_session, outbox
):
    household = consent(world.household)
    email, number = address_of(household)
    support.registration_create(
        session=make_session(), household=household, by=User.objects.system()
    )
    night = daytime(days=1, hour=22)

    report = notices_send_due(now=night)

    assert report.sent == 1 and report.deferred == 1
    assert len(outbox.mail.to(email)) == 1
    assert outbox.sms.received == []
    sms = Delivery.objects.get(channel="sms")
    assert sms.status == Delivery.Status.QUEUED
    assert sms.next_attempt_at == daytime(days=2, hour=8)
    notices_send_due(
        now=daytime(
            days=2,
            hour=7,
        )
    )
    assert outbox.sms.received == []
    notices_send_due(now=daytime(days=2, hour=8))
    assert len(outbox.sms.to(number)) == 1


def test_a_reminder_that_would_arrive_after_the_session_is_dropped(
    world, consent, make_session, outbox
):
    household = consent(world.household, email=False, sms=True)
    # The session starts at 07:30: a reminder due the night before would wait for 08:00.
    session = make_session(starts=daytime(days=5, hour=7))
    support.registration_create(session=session, household=household, by=User.objects.system())
    Delivery.objects.update(status=Delivery.Status.SENT, sent_at=daytime(days=0))
    notices_send_due(now=daytime(days=4, hour=21))
    reminder = Delivery.objects.get(notice__kind=Notice.Kind.WORKSHOP_REMINDER)
    assert reminder.status == Delivery.Status.DROPPED
    assert "trop tard" in reminder.error
    assert outbox.sms.received == []


def test_no_reminder_for_a_household_that_signed_up_within_the_two_days(
    world, consent, make_session, outbox
):
    household = consent(world.household, email=True, sms=False)
    session = make_session(starts=daytime(days=1, hour=14))
    support.registration_create(session=session, household=household, by=User.objects.system())
    notices_send_due(now=daytime(days=0, hour=23))
    kinds = set(Notice.objects.values_list("kind", flat=True))
    assert kinds == {Notice.Kind.SIGN_UP_CONFIRMED}


def test_a_provider_error_is_retried_with_growing_delays_then_fails(
    world, consent, make_session, outbox, settings, client_for, coordinator
):
    settings.NOTICES_RETRY_BASE_SECONDS = 60
    settings.NOTICES_MAX_ATTEMPTS = 3
    household = consent(world.household, email=False, sms=True)
    support.registration_create(
        session=make_session(), household=household, by=User.objects.system()
    )
    outbox.sms.fail_next(3, status=503)
    start = daytime()

    notices_send_due(now=start)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.QUEUED, 1)
    assert delivery.next_attempt_at == start + datetime.timedelta(seconds=60)
    assert "503" in delivery.error

    notices_send_due(now=start + datetime.timedelta(seconds=30))  # not yet due
    delivery.refresh_from_db()
    assert delivery.attempts == 1

    second = start + datetime.timedelta(seconds=60)
    notices_send_due(now=second)
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at == second + datetime.timedelta(seconds=120)

    notices_send_due(now=second + datetime.timedelta(seconds=120))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 3)
    assert outbox.sms.received == []

    # Visible: on the household page and on the staff list of failures.
    page = client_for(coordinator).get(
        reverse("support:household_detail", kwargs={"pk": household.pk})
    )
    assert "Échec" in page.content.decode()
    assert "503" in page.content.decode()
    failures = client_for(coordinator).get(reverse("notices:failures"))
    assert household.name in failures.content.decode()


def test_a_provider_error_then_success_sends_once(world, consent, make_session, outbox, settings):
    settings.NOTICES_RETRY_BASE_SECONDS = 60
    household = consent(world.household, email=False, sms=True)
    support.registration_create(
        session=make_session(), household=household, by=User.objects.system()
    )
    outbox.sms.fail_next(1, status=500)
    start = daytime()
    notices_send_due(now=start)
    notices_send_due(now=start + datetime.timedelta(minutes=1))
    notices_send_due(now=start + datetime.timedelta(minutes=10))
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 2
    assert delivery.error == ""
    assert len(outbox.sms.received) == 1


def test_an_unreachable_smtp_server_is_a_retry_not_a_crash(world, consent, make_session, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    household = consent(world.household, email=True, sms=False)
    support.registration_create(
        session=make_session(), household=household, by=User.objects.system()
    )
    report = notices_send_due(now=daytime())
    assert report.retried == 1
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.QUEUED and delivery.error


def test_running_the_command_twice_sends_each_notice_once(
    world, consent, make_session, outbox, households
):
    others = [consent(h) for h in households(3)]
    session = make_session()
    for household in [consent(world.household), *others]:
        support.registration_create(session=session, household=household, by=User.objects.system())
    from unittest import mock

    with mock.patch("brest_internet.notices.sending.timezone.now", return_value=daytime()):
        call_command("send_notifications", stdout=open("/dev/null", "w"))  # noqa: SIM115
        call_command("send_notifications", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(outbox.mail.messages) == 4
    assert len(outbox.sms.received) == 4
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 8


def test_english_for_a_household_that_chose_it(world, consent, make_session, outbox):
    household = consent(world.household, email=True, sms=False, language="en")
    french = consent(world.other_household, email=True, sms=False, language="fr")
    session = make_session(starts=daytime(days=10, hour=14))
    support.registration_create(session=session, household=household, by=User.objects.system())
    support.registration_create(session=session, household=french, by=User.objects.system())
    notices_send_due(now=daytime())
    english_text = outbox.mail.body(outbox.mail.to(address_of(household)[0])[0])
    french_text = outbox.mail.body(outbox.mail.to(address_of(french)[0])[0])
    day = session.starts_at.astimezone(PARIS)
    assert f"{day:%A} {day.day} {day:%B}" in english_text  # "Saturday 12 December"
    assert f"{day:%A}" not in french_text


def test_a_bounce_reported_by_the_provider_is_visible(
    world, consent, make_session, outbox, settings, client, client_for, centre_user
):
    settings.NOTICES_WEBHOOK_SECRET = "s3cret-webhook"
    household = consent(world.household, email=False, sms=True)
    support.registration_create(
        session=make_session(), household=household, by=User.objects.system()
    )
    notices_send_due(now=daytime())
    delivery = Delivery.objects.get()
    response = client.post(
        reverse("notices:sms_webhook", kwargs={"secret": "s3cret-webhook"}),
        {"messageId": int(delivery.provider_id), "msg_status": "hardBounce", "to": "x"},
        content_type="application/json",
    )
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.BOUNCED
    page = client_for(centre_user).get(
        reverse("support:household_detail", kwargs={"pk": household.pk})
    )
    assert "Rejeté par le destinataire" in page.content.decode()
    assert (
        household.name in client_for(centre_user).get(reverse("notices:failures")).content.decode()
    )


def test_an_email_bounce_through_the_providers_webhook(world, consent, settings, client):
    settings.NOTICES_WEBHOOK_SECRET = "s3cret-webhook"
    settings.EMAIL_PROVIDER = "brevo"
    household = consent(world.household, email=True, sms=False)
    notice = Notice.objects.create(
        kind=Notice.Kind.COMPUTER_READY, household=household, about_type_id=1, about_id=1
    )
    delivery = Delivery.objects.create(
        notice=notice,
        household=household,
        channel="email",
        address="x@exemple.invalid",
        body="…",
        status=Delivery.Status.SENT,
        sent_at=daytime(),
        provider_id="<abc@brest.invalid>",
    )
    response = client.post(
        reverse("notices:email_webhook", kwargs={"secret": "s3cret-webhook"}),
        {
            "event": "hard_bounce",
            "email": "x@exemple.invalid",
            "message-id": "<abc@brest.invalid>",
            "reason": "mailbox unknown",
            "ts_epoch": 1700000000000,
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.BOUNCED
    assert delivery.error == "mailbox unknown"


def test_one_delivery_per_notice_and_channel_is_a_database_rule(world, consent, make_session):
    household = consent(world.household, email=True, sms=False)
    support.registration_create(
        session=make_session(), household=household, by=User.objects.system()
    )
    delivery = Delivery.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            notice=delivery.notice,
            household=household,
            channel=delivery.channel,
            address=delivery.address,
            body="encore",
        )


def test_one_notice_per_occasion_is_a_database_rule(world, consent, make_session):
    household = consent(world.household, email=True, sms=False)
    support.registration_create(
        session=make_session(), household=household, by=User.objects.system()
    )
    notice = Notice.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Notice.objects.create(
            kind=notice.kind,
            household=household,
            about_type=notice.about_type,
            about_id=notice.about_id,
        )
    # The service, asked again, gives the same notice and no second delivery.
    again = services.notice_queue(kind=notice.kind, household=household, about=notice.about)
    assert again == notice
    assert Delivery.objects.count() == 1


def test_a_sent_delivery_has_its_date_and_a_problem_its_reason(world, consent, make_session):
    household = consent(world.household, email=True, sms=False)
    support.registration_create(
        session=make_session(), household=household, by=User.objects.system()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.update(status=Delivery.Status.SENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.update(status=Delivery.Status.FAILED, error="")


def test_a_consent_needs_its_address_in_the_database_too(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(household=world.household, sms_consent=True, phone="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(household=world.household, email_consent=True, email="")


def test_a_reminder_of_a_sign_up_cancelled_since_is_dropped(world, consent, make_session, outbox):
    household = consent(world.household, email=True, sms=False)
    reg = support.registration_create(
        session=make_session(), household=household, by=User.objects.system()
    )
    support.registration_cancel(registration=reg, by=User.objects.system())
    notices_send_due(now=daytime())
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.DROPPED
    assert "annulée" in delivery.error
    assert outbox.mail.messages == []


def test_a_visit_notice_for_a_day_since_changed_is_dropped(world, consent, outbox):
    from support.models import HomeHelpRequest

    household = consent(world.household, email=True, sms=False)
    req = HomeHelpRequest.objects.create(
        household=household, neighbourhood=world.nbh, kind=HomeHelpRequest.Kind.MODEM
    )
    support.home_help_schedule(request=req, on=daytime(days=6).date(), by=User.objects.system())
    support.home_help_schedule(request=req, on=daytime(days=9).date(), by=User.objects.system())
    notices_send_due(now=daytime())
    states = dict(Delivery.objects.values_list("notice__kind", "status"))
    assert states == {Notice.Kind.VISIT_PLANNED: "dropped", Notice.Kind.VISIT_MOVED: "sent"}
    (mail,) = outbox.mail.messages
    assert "déplacée" in outbox.mail.body(mail[1])
