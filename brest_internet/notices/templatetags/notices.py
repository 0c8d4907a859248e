"""`{% household_notices household as n %}`: a household's contact, its consent history and
its latest deliveries, for the include templates of the support pages (three queries)."""

from django import template

from ..forms import ConsentLineForm
from ..models import ConsentEvent, Contact, Delivery

register = template.Library()

SHOWN = 20


@register.simple_tag
def household_notices(household, source="desk"):
    contact = Contact.objects.filter(household=household).first()
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
    return {
        "contact": contact,
        "form": form,
        "events": list(ConsentEvent.objects.filter(household=household).select_related("by")[:10]),
        "deliveries": list(
            Delivery.objects.filter(household=household).select_related("notice")[:SHOWN]
        ),
    }
