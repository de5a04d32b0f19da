"""Form fields several apps share, and the renderer every form uses."""

from django import forms
from django.forms.renderers import TemplatesSetting

from liaison.core.dates import validate_plausible


class FormRenderer(TemplatesSetting):
    """Every field renders through one template (`{{ form.field.as_field_group }}`): its
    label, input, help and errors, with the ids the input's aria-describedby names."""

    field_template_name = "_field.html"


class DateField(forms.DateField):
    """A date typed by staff: refused, with the field named, outside 1900–2100 (the one
    plausibility rule of core/dates.py, which the importer and the API apply too)."""

    default_validators = [validate_plausible]
