"""Contact and consent: the one-line form of the household page and of the half-day desk,
its history, the STOP reply (webhook) and the end of every SMS."""

import pytest
from django.urls import reverse

from brest_internet.notices import services
from brest_internet.notices.models import ConsentEvent, Contact, Delivery, Notice
from brest_internet.notices.sending import notices_send_due
from brest_internet.programme import gdpr
from neighborhoods.models import Meeting, User
from support import services as support

from .conftest import address_of, daytime


def line(**overrides):
    data = {
        "email": "famille.legoff@exemple.invalid",
        "email_consent": "on",
        "phone": "06 39 98 00 01",
        "sms_consent": "on",
        "language": "fr",
        "source": "desk",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_household_page_records_contact_and_consent_in_one_line(world, client_for, centre_user):
    url = reverse("notices:consent_record", kwargs={"pk": world.household.pk})
    page = reverse("support:household_detail", kwargs={"pk": world.household.pk})
    client = client_for(centre_user)
    assert f'action="{url}"' in client.get(page).content.decode()

    response = client.post(url, line(next=page), follow=True)

    assert response.redirect_chain[-1][0] == page
    contact = Contact.objects.get(household=world.household)
    assert (contact.email, contact.phone) == ("famille.legoff@exemple.invalid", "+33639980001")
    assert contact.email_consent and contact.sms_consent
    events = ConsentEvent.objects.filter(household=world.household)
    assert {(e.channel, e.kind, e.source, e.by) for e in events} == {
        ("email", "given", "desk", centre_user),
        ("sms", "given", "desk", centre_user),
    }
    assert (
        "Accord donné" in response.content.decode() or "accord donné" in response.content.decode()
    )


def test_withdrawing_writes_an_event_and_keeps_the_history(world, client_for, centre_user):
    url = reverse("notices:consent_record", kwargs={"pk": world.household.pk})
    client = client_for(centre_user)
    client.post(url, line())
    client.post(url, line(sms_consent=None))
    client.post(url, line(sms_consent=None))  # unchanged: no new event
    kinds = list(
        ConsentEvent.objects.filter(household=world.household, channel="sms")
        .order_by("at", "id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["given", "withdrawn"]
    assert not Contact.objects.get(household=world.household).sms_consent


def test_a_consent_without_its_number_is_refused_with_a_message_and_changes_nothing(
    world, client_for, centre_user
):
    url = reverse("notices:consent_record", kwargs={"pk": world.household.pk})
    response = client_for(centre_user).post(url, line(phone=""), follow=True)
    assert "Pour accepter les SMS, indiquez le numéro." in response.content.decode()
    assert not Contact.objects.exists()
    assert not ConsentEvent.objects.exists()


def test_a_wrong_number_is_refused_with_a_message(world, client_for, centre_user):
    url = reverse("notices:consent_record", kwargs={"pk": world.household.pk})
    response = client_for(centre_user).post(url, line(phone="pas un numéro"), follow=True)
    assert "est pas un numéro de portable" in response.content.decode()
    assert not Contact.objects.exists()


def test_the_next_address_must_be_of_this_site(world, client_for, centre_user):
    url = reverse("notices:consent_record", kwargs={"pk": world.household.pk})
    response = client_for(centre_user).post(url, line(next="https://ailleurs.example/"))
    assert response["Location"] == reverse(
        "support:household_detail", kwargs={"pk": world.household.pk}
    )


def test_another_centre_cannot_record_a_consent(world, client_for, other_centre_user):
    url = reverse("notices:consent_record", kwargs={"pk": world.household.pk})
    assert client_for(other_centre_user).post(url, line()).status_code == 404
    assert not Contact.objects.exists()


def test_the_half_day_desk_asks_for_it_for_the_household_just_received(
    world, client_for, centre_user
):
    half_day = Meeting.objects.create(
        neighbourhood=world.nbh, kind=Meeting.Kind.LAUNCH, held_on=daytime(0).date()
    )
    support.half_day_record(half_day=half_day, by=centre_user, household=world.household)
    desk = reverse("support:half_day_desk", kwargs={"pk": half_day.pk})
    client = client_for(centre_user)
    html = client.get(desk).content.decode()
    assert reverse("notices:consent_record", kwargs={"pk": world.household.pk}) in html
    assert 'name="source" value="half_day"' in html
    client.post(
        reverse("notices:consent_record", kwargs={"pk": world.household.pk}),
        line(source="half_day", email_consent=None, email="", next=desk),
    )
    event = ConsentEvent.objects.get()
    assert (event.channel, event.source) == ("sms", "half_day")


@pytest.fixture
def stop_secret(settings):
    settings.NOTICES_WEBHOOK_SECRET = "s3cret-webhook"
    return reverse("notices:sms_webhook", kwargs={"secret": "s3cret-webhook"})


def test_a_stop_reply_withdraws_the_sms_consent(
    world, consent, make_session, outbox, client, stop_secret
):
    household = consent(world.household)
    _email, number = address_of(household)
    response = client.post(
        stop_secret,
        {"msg_status": "replied", "from": number, "reply": "Stop", "messageId": 1},
        content_type="application/json",
    )
    assert response.status_code == 200
    contact = Contact.objects.get(household=household)
    assert not contact.sms_consent and contact.email_consent
    event = ConsentEvent.objects.filter(kind="withdrawn").get()
    assert (event.channel, event.source, event.by) == ("sms", "household", None)
    # What follows goes by e-mail only.
    support.registration_create(
        session=make_session(), household=household, by=User.objects.system()
    )
    notices_send_due(now=daytime())
    assert outbox.sms.received == []
    assert set(Delivery.objects.values_list("channel", flat=True)) == {"email"}


def test_the_providers_opt_out_event_withdraws_too(world, consent, client, stop_secret):
    household = consent(world.household)
    _email, number = address_of(household)
    client.post(
        stop_secret,
        [{"msg_status": "unsubscribed", "to": number}],
        content_type="application/json",
    )
    assert not Contact.objects.get(household=household).sms_consent


def test_the_webhook_refuses_a_wrong_secret_and_changes_nothing(
    world, consent, client, settings, stop_secret
):
    household = consent(world.household)
    _email, number = address_of(household)
    wrong = reverse("notices:sms_webhook", kwargs={"secret": "devine"})
    response = client.post(
        wrong, {"msg_status": "unsubscribed", "to": number}, content_type="application/json"
    )
    assert response.status_code == 404
    assert Contact.objects.get(household=household).sms_consent


def test_without_a_secret_configured_the_webhook_answers_404(world, client, settings):
    settings.NOTICES_WEBHOOK_SECRET = ""
    url = reverse("notices:sms_webhook", kwargs={"secret": "x"})
    assert client.post(url, {}, content_type="application/json").status_code == 404


def test_the_webhook_answers_400_to_what_is_not_json(client, stop_secret, db):
    response = client.post(stop_secret, "pas du json", content_type="application/json")
    assert response.status_code == 400


def test_every_sms_ends_with_the_way_to_stop_it(world, consent, make_session, outbox, settings):
    settings.SMS_STOP_NUMBER = "36111"
    household = consent(world.household, email=False, sms=True)
    support.registration_create(
        session=make_session(), household=household, by=User.objects.system()
    )
    notices_send_due(now=daytime())
    (sms,) = outbox.sms.received
    assert sms["json"]["content"].endswith("STOP au 36111")
    assert sms["api_key"] == "test-api-key"
    assert sms["path"] == "/v3/transactionalSMS/sms"
    assert sms["json"]["type"] == "transactional"


def test_anonymisation_clears_the_contact_and_the_deliveries(world, consent, make_session, outbox):
    household = consent(world.household)
    email, _number = address_of(household)
    session = make_session()
    support.registration_create(session=session, household=household, by=User.objects.system())
    notices_send_due(now=daytime())
    reg2 = make_session(starts=daytime(days=11, hour=14))
    support.registration_create(
        session=reg2, household=household, by=User.objects.system()
    )  # still queued

    gdpr.household_anonymise(household=household, by=User.objects.system())

    contact = Contact.objects.get(household=household)
    assert (contact.email, contact.phone, contact.email_consent, contact.sms_consent) == (
        "",
        "",
        False,
        False,
    )
    assert not ConsentEvent.objects.filter(address__contains="06").exists()
    assert not ConsentEvent.objects.filter(address=email).exists()
    for d in Delivery.objects.filter(household=household):
        assert d.address == gdpr.ANONYMOUS_TEXT
        assert d.body == gdpr.ANONYMOUS_TEXT
        assert d.status != Delivery.Status.QUEUED
    before = len(outbox.mail.messages)
    notices_send_due(now=daytime(days=2))
    assert len(outbox.mail.messages) == before
    assert (
        services.notice_queue(
            kind=Notice.Kind.SIGN_UP_CONFIRMED, household=household, about=household
        )
        is None
    )


@pytest.mark.parametrize("target", ["0", "support:household_list", "//ailleurs.example/x"])
def test_a_next_that_is_not_a_path_of_this_site_goes_to_the_household_page(
    world, client_for, centre_user, target
):
    url = reverse("notices:consent_record", kwargs={"pk": world.household.pk})
    response = client_for(centre_user).post(url, line(next=target))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "support:household_detail", kwargs={"pk": world.household.pk}
    )
