"""The portal's forms: the address a link goes to, an answer to a report, a new referral."""

import re

from django import forms
from django.utils import timezone

from liaison.accounts.models import Location
from liaison.care.forms import BIRTH_DATE_FORMATS
from liaison.care.models import Urgency
from liaison.core.forms import DateField
from liaison.portal.models import AnswerKind

ICD10 = re.compile(r"[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?")


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="The address the practice has on file for you; a sign-in link goes there.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class AnswerForm(forms.Form):
    kind = forms.ChoiceField(
        label="Your answer", choices=AnswerKind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="Question or comment",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    signer = forms.CharField(
        label="Name and credentials (to sign the plan of care)",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == AnswerKind.QUESTION and not (data.get("text") or "").strip():
            self.add_error("text", "Write the question.")
        if data.get("kind") == AnswerKind.SIGN_PLAN and not (data.get("signer") or "").strip():
            self.add_error("signer", "Type your name and credentials to sign the plan of care.")
        return data


class ReferralForm(forms.Form):
    first_name = forms.CharField(label="Patient's first name", max_length=100)
    last_name = forms.CharField(label="Patient's last name", max_length=100)
    birth_date = DateField(
        label="Birth date",
        input_formats=BIRTH_DATE_FORMATS,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "MM/DD/YYYY"}),
        help_text="MM/DD/YYYY.",
    )
    location = forms.ModelChoiceField(
        label="Clinic", queryset=Location.objects.order_by("name"), empty_label=None
    )
    urgency = forms.ChoiceField(choices=Urgency.choices, initial=Urgency.ROUTINE)
    reason = forms.CharField(
        label="Reason for referral", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    icd10_codes = forms.CharField(
        label="Diagnosis codes (ICD-10)",
        required=False,
        max_length=200,
        help_text="Optional; separate several with semicolons, e.g. M54.50; M51.26.",
    )

    def clean_icd10_codes(self) -> str:
        codes = [c.strip().upper() for c in re.split(r"[;,]", self.cleaned_data["icd10_codes"])]
        codes = [c for c in codes if c]
        wrong = [c for c in codes if not ICD10.fullmatch(c)]
        if wrong:
            raise forms.ValidationError(f"Not an ICD-10 code: {', '.join(wrong)}.")
        return "; ".join(codes)

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        if born > timezone.localdate():
            raise forms.ValidationError("A birth date cannot be in the future.")
        return born
