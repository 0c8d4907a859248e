"""The words of each notice, in the household's language: subject, e-mail body, SMS.

Short, with the place, the date, the time and who to call. Never a voting code: the vote's
notice gives its dates and meeting only (the code stays on the landlord's paper letter).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from .models import Notice, OrganisationContact

SIGNATURE = "Internet pour tous en habitat social"


@dataclass
class Text:
    subject: str
    lines: list[str]
    stop: str = ""

    def email(self) -> str:
        return "\n\n".join([*self.lines, "—", SIGNATURE]) + "\n"

    def sms(self) -> str:
        return " ".join([*self.lines, self.stop])


def stop_line() -> str:
    """How to stop the SMS: every SMS ends with it (the STOP reply withdraws the consent)."""
    number = settings.SMS_STOP_NUMBER
    if number:
        return _("STOP au %(n)s") % {"n": number}
    return _("Répondez STOP pour ne plus en recevoir.")


def _day(value: datetime.date | datetime.datetime) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return formats.date_format(value, "l j F Y")


def _time(value: datetime.datetime | datetime.time) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).time()
    return formats.time_format(value, "H:i")


def _who_to_call(organisation) -> str:
    """ "Contact : Centre social de Kerourien, 02 98 …" (the phone, else the e-mail, if known)."""
    if organisation is None:
        return ""
    contact = OrganisationContact.objects.filter(organisation=organisation).first()
    reach = contact and (contact.phone or contact.email)
    if reach:
        return _("Contact : %(org)s, %(reach)s.") % {"org": organisation.name, "reach": reach}
    return _("Contact : %(org)s.") % {"org": organisation.name}


def _session_lines(session) -> list[str]:
    place = session.place or session.centre.name
    return [
        _("Atelier « %(t)s » le %(d)s à %(h)s, %(p)s.")
        % {
            "t": session.topic.name,
            "d": _day(session.starts_at),
            "h": _time(session.starts_at),
            "p": place,
        },
        _who_to_call(session.centre),
    ]


def _registration(notice, reg) -> Text:
    session = reg.session
    kind = notice.kind
    K = Notice.Kind
    if kind == K.SIGN_UP_CONFIRMED:
        return Text(
            _("Inscription confirmée"),
            [_("Votre inscription est confirmée."), *_session_lines(session)],
        )
    if kind == K.WORKSHOP_REMINDER:
        return Text(_("Rappel : atelier dans deux jours"), [_("Rappel."), *_session_lines(session)])
    if kind == K.PROMOTED:
        return Text(
            _("Une place s'est libérée"),
            [_("Une place s'est libérée : vous êtes inscrit."), *_session_lines(session)],
        )
    if kind == K.SESSION_MOVED:
        return Text(_("Atelier déplacé"), [_("Votre atelier change."), *_session_lines(session)])
    # Cancelled.
    return Text(
        _("Atelier annulé"),
        [
            _("L'atelier « %(t)s » du %(d)s à %(h)s est annulé.")
            % {
                "t": session.topic.name,
                "d": _day(session.starts_at),
                "h": _time(session.starts_at),
            },
            _who_to_call(session.centre),
        ],
    )


def _home_help(notice, req) -> Text:
    K = Notice.Kind
    day = _day(req.scheduled_for) if req.scheduled_for else ""
    centre = req.neighbourhood.centre
    if notice.kind == K.VISIT_TOMORROW:
        first = _("Rappel : aide à domicile demain, %(d)s, chez vous.") % {"d": day}
        subject = _("Aide à domicile demain")
    elif notice.kind == K.VISIT_MOVED:
        first = _("Votre aide à domicile est déplacée au %(d)s, chez vous.") % {"d": day}
        subject = _("Aide à domicile déplacée")
    else:
        first = _("Aide à domicile prévue le %(d)s, chez vous.") % {"d": day}
        subject = _("Aide à domicile planifiée")
    return Text(subject, [first, _who_to_call(centre)])


def _advice(notice, req) -> Text:
    return Text(
        _("Réponse à votre question"),
        [
            _("%(a)s a répondu à votre question sur votre contrat internet.")
            % {"a": req.association.name},
            _who_to_call(req.association),
        ],
    )


def _order(notice, order) -> Text:
    centre = order.neighbourhood.centre
    place = centre.name if centre else order.neighbourhood.name
    return Text(
        _("Votre ordinateur est prêt"),
        [
            _("Votre ordinateur « %(c)s » est payé : vous pouvez le retirer au %(p)s.")
            % {"c": order.computer.name, "p": place},
            _who_to_call(centre),
        ],
    )


def _vote(notice, vote) -> Text:
    from neighborhoods.models import Meeting

    nbh = vote.neighbourhood
    lines = [
        _("Vote des locataires de %(n)s sur l'internet à 1 € par mois : du %(a)s au %(b)s.")
        % {"n": nbh.name, "a": _day(vote.opens_on), "b": _day(vote.closes_on)}
    ]
    meeting = (
        Meeting.objects.filter(
            neighbourhood=nbh,
            kind=Meeting.Kind.PUBLIC,
            held_on__gte=notice.created_at.date(),
            held_on__lte=vote.closes_on,
        )
        .order_by("held_on")
        .first()
    )
    if meeting is not None:
        at = _(" à %(h)s") % {"h": _time(meeting.starts_at)} if meeting.starts_at else ""
        lines.append(
            _("Réunion d'information le %(d)s%(at)s, %(p)s.")
            % {"d": _day(meeting.held_on), "at": at, "p": meeting.place or nbh.name}
        )
    lines.append(_("Votre code de vote vous arrive par courrier."))
    lines.append(_who_to_call(nbh.centre))
    return Text(_("Vote à venir dans votre quartier"), [line for line in lines if line])


def notice_text(notice: Notice, language: str) -> Text:
    """The notice's words in `language` (fr or en), from the record it is about, as it is now."""
    about = notice.about
    renderers = {
        "registration": _registration,
        "homehelprequest": _home_help,
        "advicerequest": _advice,
        "computerorder": _order,
        "vote": _vote,
    }
    render = renderers[notice.about_type.model]
    with translation.override(language):
        text = render(notice, about)
        text.lines = [line for line in text.lines if line]
        text.stop = stop_line()
        return text
