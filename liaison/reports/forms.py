import re

from django import forms
from django.forms import inlineformset_factory

from liaison.care.instruments import INSTRUMENTS
from liaison.care.models import Episode, Finding, Outcome, RedFlag, RedFlagKind
from liaison.core.forms import DateField
from liaison.partners.models import DeliveryChannel

# ICD-10-CM: a letter (not U), a digit, a digit or A/B, then optionally a dot and 1-4 more.
ICD10 = re.compile(r"^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$")


class QueueFiltersForm(forms.Form):
    """The queue's filter bar: one of the user's clinics (or all), and only their reports."""

    location = forms.ChoiceField(label="Clinic", required=False)
    mine = forms.BooleanField(required=False)

    def __init__(self, *args, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = [
            ("", "All my clinics"),
            *((str(location.code), location.name) for location in locations),
        ]


class ReportForm(forms.Form):
    body = forms.CharField(
        label="Report",
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
        help_text="## starts a heading, - a list item, | a table row. "
        "Replace every [[part in double brackets]] before signing.",
    )


class AddendumForm(forms.Form):
    body = forms.CharField(
        label="Addendum",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you correct or add. It is signed and sent to the partner.",
    )


class RetryForm(forms.Form):
    channel = forms.ChoiceField(label="Send by", choices=DeliveryChannel.choices)


class EvaluationForm(forms.ModelForm):
    surgical_options_discussed = forms.NullBooleanField(
        label="Surgical options discussed with the patient",
        widget=forms.NullBooleanSelect,
    )

    class Meta:
        model = Episode
        fields = [
            "diagnosis_code",
            "diagnosis",
            "primary_measure",
            "visits_per_week",
            "planned_weeks",
            "planned_visits",
            "interventions",
            "expected_improvement_weeks",
            "surgical_options_discussed",
            "surgical_discussion",
        ]
        widgets = {
            "interventions": forms.Textarea(attrs={"rows": 2}),
            "surgical_discussion": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_diagnosis_code(self):
        code = self.cleaned_data["diagnosis_code"].strip().upper()
        if code and not ICD10.match(code):
            raise forms.ValidationError("Write an ICD-10 code such as M54.50 or S33.5.")
        return code

    def clean(self):
        data = super().clean()
        if data.get("surgical_options_discussed") and not data.get("surgical_discussion"):
            self.add_error("surgical_discussion", "Say briefly what was discussed.")
        return data


class TableRowForm(forms.ModelForm):
    """One row of a table: the column heads name its fields, so their labels are for screen
    readers only (templates/_field.html)."""

    labels_hidden = True


class FindingRows(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove"


FindingFormSet = inlineformset_factory(
    Episode,
    Finding,
    form=TableRowForm,
    formset=FindingRows,
    fields=["category", "item", "result", "notes"],
    labels={"item": "Test or measure", "notes": "Note"},
    help_texts={"item": "", "result": ""},  # the examples would repeat on every row
    extra=3,
    can_delete=True,
)


class BaseOutcomeFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            spec = INSTRUMENTS.get(data.get("instrument") or "")
            score = data.get("score")
            if spec and score is not None and not spec.minimum <= score <= spec.maximum:
                form.add_error(
                    "score", f"{spec.code} scores run from {spec.minimum} to {spec.maximum}."
                )


OutcomeFormSet = inlineformset_factory(
    Episode,
    Outcome,
    form=TableRowForm,
    formset=BaseOutcomeFormSet,
    fields=["measured_on", "instrument", "score"],
    extra=1,
    can_delete=False,
    widgets={"measured_on": forms.DateInput(attrs={"type": "date"})},
)


class RedFlagForm(forms.Form):
    labels_hidden = True  # a row of the screen's table: see TableRowForm
    kind = forms.ChoiceField(choices=RedFlagKind.choices, widget=forms.HiddenInput)
    present = forms.ChoiceField(
        choices=[("", "Not asked"), ("no", "Absent"), ("yes", "Present")],
        required=False,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].label = self.label
        self.fields["notes"].label = f"Notes on {self.label}"

    @property
    def label(self) -> str:
        return RedFlagKind(self.initial.get("kind") or self.data.get(self.add_prefix("kind"))).label

    def clean(self):
        data = super().clean()
        if data.get("present") == "yes" and not data.get("notes"):
            self.add_error("notes", "Say what you found and what you did about it.")
        return data


RedFlagFormSet = forms.formset_factory(RedFlagForm, extra=0)


def red_flag_formset(episode: Episode, data=None) -> forms.BaseFormSet:
    """One row per red flag, in the screen's order, filled from what is recorded."""
    recorded = {flag.kind: flag for flag in RedFlag.objects.filter(episode=episode)}
    initial = []
    for kind in RedFlagKind.values:
        flag = recorded.get(kind)
        answer = "" if flag is None else ("yes" if flag.present else "no")
        initial.append({"kind": kind, "present": answer, "notes": flag.notes if flag else ""})
    return RedFlagFormSet(data=data, initial=initial, prefix="flags")


class DischargeForm(forms.ModelForm):
    class Meta:
        model = Episode
        fields = ["ended_on", "discharge_reason", "recommendations", "referrer_follow_up"]
        field_classes = {"ended_on": DateField}
        widgets = {
            "ended_on": forms.DateInput(attrs={"type": "date"}),
            "recommendations": forms.Textarea(attrs={"rows": 3}),
            "referrer_follow_up": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].required = True
        self.fields["discharge_reason"].required = True

    def clean(self):
        data = super().clean()
        ended = data.get("ended_on")
        if ended and ended < self.instance.started_on:
            self.add_error("ended_on", "Care cannot end before it started.")
        return data
