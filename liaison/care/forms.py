"""The care pages' forms: intake, triage, booking, visits, questionnaires, marketing spend."""

from django import forms
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from liaison.accounts.access import SIGN_REPORTS, clinicians_at, locations_of
from liaison.accounts.models import Location, User
from liaison.care.instruments import InstrumentCode
from liaison.care.models import Channel, DeclineReason, Patient, Referral, Urgency, VisitStatus
from liaison.care.queries import SpendFilters, Suggestion, patients_matching
from liaison.care.scoring import PSFS_MAX_ACTIVITIES, QUESTIONNAIRES
from liaison.care.services import Answers, NewPatient, ReferralDetails, SpendDetails
from liaison.core.codes import as_code
from liaison.core.forms import DateField
from liaison.core.npi import is_valid_npi
from liaison.partners.forms import SearchOptions, npi_not_valid, npi_on_file, search_options
from liaison.partners.models import Partner, PartnerKind
from liaison.partners.queries import partners_search, partners_with_npi
from liaison.partners.services import NewPartner
from liaison.partners.specialties import SpecialtySlug

NEW = "new"
DATE_INPUT = forms.DateInput(attrs={"type": "date"})
NUMBER_ATTRS = {"inputmode": "numeric", "step": 1}  # a score typed from the paper form
BIRTH_DATE_FORMATS = ["%m/%d/%Y", "%m-%d-%Y", "%m%d%Y", "%Y-%m-%d", "%m/%d/%y"]


class NameSearchForm(forms.Form):
    """A name searched for on a list: posted, kept in the session, never in an address."""

    q = forms.CharField(required=False)

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:100]  # a longer name is cut, not refused


class IntakeForm(forms.Form):
    """A new patient and their source, in the order the desk hears them."""

    first_name = forms.CharField(
        max_length=100, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"})
    )
    last_name = forms.CharField(
        max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    # A text box, not a date picker: typed straight from the referral letter, in one go.
    birth_date = DateField(
        input_formats=BIRTH_DATE_FORMATS,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "placeholder": "MM/DD/YYYY", "autocomplete": "off"}
        ),
        help_text="MM/DD/YYYY, or just the eight digits.",
    )
    channel = forms.ChoiceField(
        label="How did they find us?",
        choices=[("", "Choose…"), *Channel.choices],
        help_text="Required for every new patient.",
    )
    partner_query = forms.CharField(
        label="Referring partner",
        required=False,
        max_length=100,
        help_text="Name, practice, NPI or phone. The first match is chosen; arrow keys pick "
        "another.",
        # Each keystroke asks for the matching partners (htmx), listed under the box.
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "spellcheck": "false",
                "aria-controls": "partner-results",
                "hx-get": reverse_lazy("partners-search"),
                "hx-trigger": "input changed delay:200ms, search",
                "hx-target": "#partner-results",
                "hx-sync": "this:replace",
            }
        ),
    )
    partner = forms.CharField(required=False, max_length=40)
    np_kind = forms.ChoiceField(
        label="Kind", choices=PartnerKind.choices, required=False, initial=PartnerKind.PERSON
    )
    np_first_name = forms.CharField(label="Partner's first name", max_length=100, required=False)
    np_last_name = forms.CharField(label="Partner's last name", max_length=100, required=False)
    np_organization_name = forms.CharField(
        label="Practice or organization", max_length=200, required=False
    )
    np_npi = forms.CharField(
        label="NPI", max_length=10, required=False, help_text="Ten digits; checked as you save."
    )
    np_specialty = forms.ChoiceField(
        label="Specialty",
        choices=SpecialtySlug.choices,
        initial=SpecialtySlug.PRIMARY_CARE,
        required=False,
    )
    np_phone = forms.CharField(label="Phone", max_length=30, required=False)
    received_on = DateField(label="Referral received", widget=DATE_INPUT)
    urgency = forms.ChoiceField(choices=Urgency.choices, initial=Urgency.ROUTINE)
    reason = forms.CharField(
        label="Reason for referral", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    location = forms.ModelChoiceField(queryset=Location.objects.none(), empty_label=None)
    existing_patient = forms.CharField(required=False, max_length=40)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["location"].queryset = locations_of(user)
        self.fields["received_on"].initial = timezone.localdate()
        self.duplicates: list[Patient] = []
        self.hidden_duplicates = 0
        self.npi_holder: Partner | None = None
        self.chosen_partner: Partner | None = None
        self.chosen_patient: Patient | None = None

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        if born > timezone.localdate():
            raise forms.ValidationError("A birth date cannot be in the future.")
        return born

    def clean(self):
        data = super().clean()
        if data.get("channel") == Channel.REFERRAL:
            self._clean_partner(data)
        if not self.errors:
            self._clean_duplicates(data)
        return data

    def _clean_partner(self, data) -> None:
        choice = data.get("partner") or ""
        if choice == NEW:
            self._clean_new_partner(data)
        elif choice:
            self.chosen_partner = Partner.objects.filter(code=as_code(choice)).first()
            if self.chosen_partner is None:
                self.add_error("partner_query", "That partner is no longer in the directory.")
        else:
            self.add_error(
                "partner_query",
                "Choose the partner who referred the patient, or add a new one.",
            )

    def _clean_new_partner(self, data) -> None:
        kind = data.get("np_kind") or PartnerKind.PERSON
        if kind == PartnerKind.ORGANIZATION and not data.get("np_organization_name"):
            self.add_error("np_organization_name", "Name the practice or organization.")
        if kind == PartnerKind.PERSON and not data.get("np_last_name"):
            self.add_error("np_last_name", "A person needs a last name.")
        npi = (data.get("np_npi") or "").strip()
        if npi and not is_valid_npi(npi):
            self.add_error("np_npi", npi_not_valid(npi))
        elif npi:
            self.npi_holder = partners_with_npi(npi=npi).first()
        if self.npi_holder is not None:
            # Shown by the partner choices, where the holder is now chosen: the new
            # partner's fields are hidden once "New partner" is no longer checked.
            then = "They are chosen below: record the patient again to use them."
            self.add_error("partner_query", npi_on_file(npi, self.npi_holder, then))
            self.add_error("np_npi", f"Already on file for {self.npi_holder.display_name}.")

    def _clean_duplicates(self, data) -> None:
        matches = list(
            patients_matching(
                first_name=data["first_name"],
                last_name=data["last_name"],
                birth_date=data["birth_date"],
            )
        )
        if not matches:
            return
        visible = set(
            Patient.objects.visible_to(self.user)
            .filter(pk__in=[p.pk for p in matches])
            .values_list("pk", flat=True)
        )
        self.duplicates = [p for p in matches if p.pk in visible]
        self.hidden_duplicates = len(matches) - len(self.duplicates)
        choice = data.get("existing_patient") or ""
        if choice == NEW:
            return
        chosen = [p for p in self.duplicates if str(p.code) == choice]
        if chosen:
            self.chosen_patient = chosen[0]
            return
        self.add_error(
            "existing_patient",
            "A patient with this name and birth date is already recorded. Use that record, "
            "or confirm this is a different person.",
        )

    def partner_options(self) -> SearchOptions:
        """The search results as the form stands: the chosen partner (or the NPI's holder)
        first and checked, else the best match."""
        query = (self.data.get("partner_query") or "") if self.is_bound else ""
        results = partners_search(q=query)
        chosen = self.chosen_partner or self.npi_holder
        if chosen is None and self.is_bound and self.data.get("partner") not in ("", NEW, None):
            chosen = Partner.objects.filter(code=as_code(self.data["partner"])).first()
        new = self.is_bound and self.data.get("partner") == NEW and self.npi_holder is None
        return search_options(results=results, query=query, chosen=chosen, new=new)

    def new_patient(self) -> NewPatient | None:
        if self.chosen_patient is not None:
            return None
        d = self.cleaned_data
        return NewPatient(
            first_name=d["first_name"],
            last_name=d["last_name"],
            birth_date=d["birth_date"],
            location=d["location"],
            channel=d["channel"],
        )

    def new_partner(self) -> NewPartner | None:
        d = self.cleaned_data
        if d.get("channel") != Channel.REFERRAL or d.get("partner") != NEW:
            return None
        return NewPartner(
            kind=d.get("np_kind") or PartnerKind.PERSON,
            first_name=d.get("np_first_name", ""),
            last_name=d.get("np_last_name", ""),
            organization_name=d.get("np_organization_name", ""),
            npi=d.get("np_npi") or None,
            specialty=d.get("np_specialty") or SpecialtySlug.OTHER,
            phone=d.get("np_phone", ""),
        )

    def referral_details(self) -> ReferralDetails | None:
        d = self.cleaned_data
        if d.get("channel") != Channel.REFERRAL:
            return None
        return ReferralDetails(
            received_on=d["received_on"], reason=d.get("reason", ""), urgency=d["urgency"]
        )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why decline?", choices=DeclineReason.choices, widget=forms.RadioSelect
    )
    decline_note = forms.CharField(
        label="Why, in words",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when the referral is not appropriate: in these words the redirect "
        "letter tells the referring partner why we are not the right fit.",
    )
    specialty = forms.ChoiceField(
        label="Fitting specialty",
        choices=[("", "Choose…"), *SpecialtySlug.choices],
        required=False,
        help_text="Suggests partners to send the patient to instead.",
    )
    alternative_partner = forms.ChoiceField(label="Suggested partner", required=False)
    alternative = forms.CharField(
        label="Where the patient should go instead",
        required=False,
        max_length=500,
        help_text="Named in the redirect letter to the referring partner.",
    )
    decided_on = DateField(label="Decided on", widget=DATE_INPUT)

    def __init__(
        self, *args, referral: Referral | None = None, suggestions: list[Suggestion] = (), **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()
        self.suggestions = {str(s.partner.code): s.partner for s in suggestions}
        alternative = self.fields["alternative_partner"]
        alternative.choices = [
            ("", "None of these" if suggestions else "Choose a specialty first"),
            *((str(s.partner.code), _suggestion_label(s)) for s in suggestions),
        ]
        if suggestions:
            alternative.help_text = "Active partners first, nearest the patient first."
        if referral is not None:
            # A specialty chosen reloads the suggested partners under it (htmx).
            self.fields["specialty"].widget.attrs |= {
                "hx-get": reverse("care-referral-alternatives", args=[referral.code]),
                "hx-trigger": "change",
                "hx-target": "#alternative-partner",
                "hx-include": "this",
            }

    def clean_alternative_partner(self) -> Partner | None:
        return self.suggestions.get(self.cleaned_data.get("alternative_partner") or "")

    def clean(self):
        data = super().clean()
        if data.get("reason") != DeclineReason.NOT_APPROPRIATE:
            return data
        if not (data.get("decline_note") or "").strip():
            self.add_error(
                "decline_note",
                "A referral that is not appropriate needs the reason in words: the redirect "
                "letter tells the referring partner why we are not the right fit.",
            )
        if not (data.get("alternative_partner") or (data.get("alternative") or "").strip()):
            self.add_error(
                "alternative",
                "A referral that is not appropriate needs the alternative: choose a suggested "
                "partner or say where the patient should go.",
            )
        return data


def _suggestion_label(suggestion: Suggestion) -> str:
    partner = suggestion.partner
    parts = [partner.display_name]
    if partner.stage != Partner.Stage.PARTNER:
        parts.append(partner.get_stage_display().lower())
    if partner.city:
        parts.append(partner.city)
    if suggestion.miles is not None:
        parts.append(f"{suggestion.miles:.0f} mi")
    return " · ".join(parts)


class ScheduleForm(forms.Form):
    scheduled_on = DateField(label="First visit booked for", widget=DATE_INPUT)


class VisitForm(forms.Form):
    visit_on = DateField(label="Date", widget=DATE_INPUT)
    status = forms.ChoiceField(
        label="Outcome",
        choices=VisitStatus.choices,
        initial=VisitStatus.ATTENDED,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit_on"].initial = timezone.localdate()


class FirstVisitForm(VisitForm):
    """The first visit of a referral: it opens the episode of care."""

    clinician = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Nobody named yet",
        help_text="Who saw, or was to see, the patient: those who sign reports at the clinic.",
    )

    def __init__(self, *args, location: Location, **kwargs):
        super().__init__(*args, **kwargs)
        clinician = self.fields["clinician"]
        clinician.queryset = clinicians_at(location)
        clinician.label_from_instance = lambda user: user.signature


class ClinicianLinkForm(forms.Form):
    """Who a clinician name from the practice's files is."""

    written = forms.CharField(max_length=150, widget=forms.HiddenInput)
    clinician = forms.ModelChoiceField(
        queryset=User.objects.with_perm(SIGN_REPORTS, include_superusers=False).order_by(
            "last_name", "first_name"
        ),
        empty_label="Choose the clinician",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinician"].label_from_instance = lambda user: user.signature


class OutcomeForm(forms.Form):
    """One measurement, entered item by item (ODI, NDI, QuickDASH, LEFS), as rated activities
    (PSFS) or as one rating (NPRS). Blank items are unanswered."""

    measured_on = DateField(label="Measured on", widget=DATE_INPUT)

    def __init__(self, *args, instrument: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["measured_on"].initial = timezone.localdate()
        questionnaire = QUESTIONNAIRES.get(instrument)
        if questionnaire is not None:
            for n, label in enumerate(questionnaire.items, 1):
                self.fields[f"item_{n}"] = forms.IntegerField(
                    label=label,
                    required=False,
                    min_value=questionnaire.lowest,
                    max_value=questionnaire.highest,
                    widget=forms.NumberInput(NUMBER_ATTRS | {"autofocus": n == 1}),
                )
        elif instrument == InstrumentCode.PSFS:
            for n in range(1, PSFS_MAX_ACTIVITIES + 1):
                self.fields[f"activity_{n}"] = forms.CharField(
                    label=f"Activity {n}", required=False, max_length=100
                )
                self.fields[f"rating_{n}"] = forms.IntegerField(
                    label=f"Activity {n} rating",
                    required=False,
                    min_value=0,
                    max_value=10,
                    widget=forms.NumberInput(NUMBER_ATTRS),
                )
        else:
            self.fields["rating"] = forms.IntegerField(
                label="Pain rating",
                min_value=0,
                max_value=10,
                help_text="0 = no pain, 10 = worst imaginable.",
            )

    @property
    def item_fields(self):
        return [self[name] for name in self.fields if name.startswith("item_")]

    @property
    def activity_rows(self):
        return [
            (self[f"activity_{n}"], self[f"rating_{n}"])
            for n in range(1, PSFS_MAX_ACTIVITIES + 1)
            if f"activity_{n}" in self.fields
        ]

    def answers(self) -> Answers:
        d = self.cleaned_data
        if self.instrument in QUESTIONNAIRES:
            count = len(QUESTIONNAIRES[self.instrument].items)
            return Answers(items=[d.get(f"item_{n}") for n in range(1, count + 1)])
        if self.instrument == InstrumentCode.PSFS:
            return Answers(
                activities=[
                    (d.get(f"activity_{n}") or "", d.get(f"rating_{n}"))
                    for n in range(1, PSFS_MAX_ACTIVITIES + 1)
                ]
            )
        return Answers(rating=d.get("rating"))


# ---------------------------------------------------------------------------------------
# Marketing spend
# ---------------------------------------------------------------------------------------


class LocationChoiceField(forms.ModelChoiceField):
    """A location by its code; anything else, a malformed code too, is not a choice."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from error


class MarketingSpendForm(forms.Form):
    """One amount spent on a channel. Every message names its field: the manager may be
    typing a year's invoices in one sitting."""

    spent_on = DateField(
        label="Date spent",
        widget=DATE_INPUT,
        error_messages={
            "required": "Date spent: enter the day the money was spent.",
            "invalid": "Date spent: enter a real date (YYYY-MM-DD).",
        },
    )
    channel = forms.ChoiceField(
        choices=[("", "Choose…"), *Channel.choices],
        help_text="The way of finding us this money was spent on.",
        error_messages={
            "required": "Channel: choose the channel this money was spent on.",
            "invalid_choice": "Channel: “%(value)s” is not one of the channels.",
        },
    )
    amount = forms.DecimalField(
        label="Amount (USD)",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": "Amount: enter how much was spent.",
            "invalid": "Amount: enter a number of dollars, such as 1250.00.",
            "min_value": "Amount: spend cannot be negative; lower or delete an earlier row "
            "instead.",
            "max_digits": "Amount: at most 10 digits before the cents.",
            "max_whole_digits": "Amount: at most 10 digits before the cents.",
            "max_decimal_places": "Amount: dollars and cents, at most two decimals.",
        },
    )
    location = LocationChoiceField(
        queryset=Location.objects.order_by("name"),
        required=False,
        to_field_name="code",
        empty_label="Whole practice",
        help_text="Spend for the whole practice counts only in the all-locations figures.",
        error_messages={"invalid_choice": "Location: choose one of the practice's locations."},
    )
    description = forms.CharField(
        max_length=200,
        required=False,
        help_text="What it paid for, e.g. a search campaign.",
    )

    @classmethod
    def initial_for(cls, spend) -> dict:
        return {
            "spent_on": spend.spent_on,
            "channel": spend.channel,
            "amount": spend.amount,
            "location": spend.location,
            "description": spend.description,
        }

    def details(self) -> SpendDetails:
        d = self.cleaned_data
        return SpendDetails(
            channel=d["channel"],
            spent_on=d["spent_on"],
            amount=d["amount"],
            location=d["location"],
            description=d["description"],
        )


class SpendFiltersForm(forms.Form):
    channel = forms.ChoiceField(choices=[("", "Every channel"), *Channel.choices], required=False)
    year = forms.IntegerField(
        required=False,
        min_value=1900,
        max_value=2999,
        error_messages={
            "invalid": "Year: enter a year such as 2026.",
            "min_value": "Year: between 1900 and 2999.",
            "max_value": "Year: between 1900 and 2999.",
        },
    )

    def filters(self) -> SpendFilters:
        """The filters asked for, leaving out a field the form refused (its error is shown)."""
        if not self.is_bound:
            return SpendFilters()
        self.is_valid()  # cleaned_data keeps the fields that passed
        return SpendFilters(
            channel=self.cleaned_data.get("channel") or "", year=self.cleaned_data.get("year")
        )
