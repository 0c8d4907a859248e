"""`{% household_notices household as n %}`: a household's contact, its consent history and
its latest deliveries, for the include templates of the support pages (three queries, once per
household object however many includes show them: the household's page has two)."""

from django import template

from ..forms import ConsentLineForm
from ..models import ConsentEvent, Contact, Delivery

register = template.Library()

SHOWN = 20


def _rows(household) -> dict:
    rows = getattr(household, "_notices_rows", None)
    if rows is None:
        rows = {
            "contact": Contact.objects.filter(household=household).first(),
            "events": list(
                ConsentEvent.objects.filter(household=household).select_related("by")[:10]
            ),
            "deliveries": list(
                Delivery.objects.filter(household=household).select_related("notice")[:SHOWN]
            ),
        }
        household._notices_rows = rows
    return rows


@register.simple_tag
def household_notices(household, source="desk"):
    rows = _rows(household)
    contact = rows["contact"]
    initial = {"language": "fr", "source": source}
    if contact is not None:
        initial.update(
            email=contact.email,
            email_consent=contact.email_consent,
            phone=contact.phone,
            sms_consent=contact.sms_consent,
            language=contact.language,
        )
    else:
        initial.update(email=household.email, phone=household.phone)
    form = ConsentLineForm(initial=initial, auto_id=f"consent-{household.pk}-%s")
    return {**rows, "form": form}
