"""Form fields several apps share."""

from django import forms

from liaison.core.dates import validate_plausible


class DateField(forms.DateField):
    """A date typed by staff: refused, with the field named, outside 1900–2100 (the one
    plausibility rule of core/dates.py, which the importer and the API apply too)."""

    default_validators = [validate_plausible]
