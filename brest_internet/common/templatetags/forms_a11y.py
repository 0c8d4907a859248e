"""Accessible forms (RGAA 11.10): the meaning of the asterisk, said once per form.

crispy-bootstrap5 marks a required field's label with "*" and Django 5.2 links each field to its
error message (`aria-describedby="id_<name>_error"`, `aria-invalid`); what was missing is the
sentence that explains the asterisk. The crispy templates overridden in templates/bootstrap5/
call `required_fields_note` before a form's fields and before each required field: it writes the
sentence the first time only, so a form gets it once whether it is rendered whole (`|crispy`,
`{% crispy %}`) or field by field (`|as_crispy_field`).
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

SHOWN = "_required_fields_note_shown"


@register.simple_tag
def required_fields_note(form):
    """The note "Les champs marqués * sont obligatoires." if `form` has a visible required field
    and the note was not written for it yet; else nothing."""
    if form is None or getattr(form, SHOWN, False):
        return ""
    if not any(field.field.required for field in form.visible_fields()):
        return ""
    setattr(form, SHOWN, True)
    return format_html(
        '<p class="required-note">{}</p>', _("Les champs marqués * sont obligatoires.")
    )
