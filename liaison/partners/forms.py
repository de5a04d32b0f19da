"""The partner pages' forms: search results, the directory's filters, partners, touchpoints."""

from dataclasses import dataclass, field

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from liaison.core.forms import DateField
from liaison.core.npi import is_valid_npi
from liaison.partners.models import (
    ContactCadence,
    Partner,
    PartnerKind,
    PartnerNote,
    PartnerStage,
    PlannedTouchpoint,
    TouchpointKind,
)
from liaison.partners.queries import Spend, partner_spend, partners_with_npi, search_q
from liaison.partners.specialties import SpecialtySlug

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def npi_not_valid(npi: str) -> str:
    return (
        f"{npi} is not a valid NPI: an NPI has 10 digits and its last digit is a check "
        "digit. Check for a typing slip."
    )


def npi_on_file(npi: str, holder: Partner, then: str) -> str:
    """Every form's message for an NPI that a partner already holds: it names the partner,
    links to their page, and says what to do (`then`). Nothing is saved meanwhile."""
    url = reverse("partners-detail", args=[holder.code])
    return format_html(
        'NPI {} is already on file for <a href="{}">{}</a>. {}',
        npi,
        url,
        holder.display_name,
        then,
    )


@dataclass(frozen=True)
class SearchOption:
    partner: Partner
    checked: bool


@dataclass(frozen=True)
class SearchOptions:
    options: list[SearchOption] = field(default_factory=list)
    searched: str = ""
    new_checked: bool = False


def search_options(
    *, results: list[Partner], query: str, chosen: Partner | None = None, new: bool = False
) -> SearchOptions:
    """Radio choices for the intake's partner search: `chosen` on top and checked, otherwise
    the best match checked; "new partner" checked when asked for or when nothing matches."""
    if chosen is not None:
        results = [chosen, *(p for p in results if p.pk != chosen.pk)]
    new = new or (not results and len(query.strip()) >= 2)
    options = [SearchOption(partner=p, checked=not new and i == 0) for i, p in enumerate(results)]
    return SearchOptions(options=options, searched=query.strip(), new_checked=new)


def staff_choices():
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=["liaison", "manager"])
        .distinct()
        .order_by("first_name", "last_name")
    )
    return users


def _only_one(found: list[Partner], *, none: str, several: str) -> Partner:
    """The one partner a name or NPI found; the form says so when it found none or several."""
    if len(found) != 1:
        raise forms.ValidationError(several if found else none)
    return found[0]


class DirectoryFilterForm(forms.Form):
    TRENDS = [
        ("", "Any trend"),
        ("reconnect", "Needs reconnecting"),
        ("growing", "Growing"),
        ("steady", "Steady"),
        ("new", "New"),
        ("declining", "Declining"),
        ("dormant", "Dormant"),
        ("none", "Never referred"),
    ]

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Name, practice, NPI, phone"}
        ),
    )
    specialty = forms.ChoiceField(
        choices=[("", "Any specialty"), *SpecialtySlug.choices], required=False
    )
    stage = forms.ChoiceField(choices=[("", "Any stage"), *PartnerStage.choices], required=False)
    trend = forms.ChoiceField(choices=TRENDS, required=False)
    area = forms.CharField(
        label="Area",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "ZIP or city"}),
    )
    owner = forms.ChoiceField(label="Owner", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [
            ("", "Anyone"),
            ("none", "Nobody"),
            *((u.username, u.get_full_name() or u.username) for u in staff_choices()),
        ]


class PartnerForm(forms.ModelForm):
    """A partner's own facts and the relationship: stage, owner, cadence, who introduced them.

    The practice they work at and who introduced them are typed (a name or an NPI), not
    picked from a list of thousands.
    """

    works_at_name = forms.CharField(
        label="Works at (practice)",
        required=False,
        max_length=200,
        help_text="The practice's name as it is in the directory.",
    )
    introduced_by_ref = forms.CharField(
        label="Introduced by",
        required=False,
        max_length=200,
        help_text="Their NPI, or their name as it is in the directory.",
    )

    class Meta:
        model = Partner
        fields = [
            "kind",
            "first_name",
            "last_name",
            "credentials",
            "organization_name",
            "npi",
            "specialty",
            *Partner.CONTACT_DETAILS,
            "preferred_channel",
            "stage",
            "owner",
            "contact_cadence_days",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_choices()
        self.fields["specialty"].empty_label = None
        partner = self.instance
        if partner.works_at_id:
            self.initial["works_at_name"] = partner.works_at.organization_name
        if partner.introduced_by_id:
            introducer = partner.introduced_by
            self.initial["introduced_by_ref"] = introducer.npi or introducer.display_name

    def clean_npi(self):
        npi = (self.cleaned_data.get("npi") or "").strip() or None
        if npi is None:
            return None
        if not is_valid_npi(npi):
            raise forms.ValidationError(npi_not_valid(npi))
        holder = partners_with_npi(npi=npi).exclude(pk=self.instance.pk).first()
        if holder is not None:
            then = (
                "If both are the same partner, a manager merges them (Merge a duplicate)."
                if self.instance.pk
                else "Open their page instead of adding them twice."
            )
            raise forms.ValidationError(npi_on_file(npi, holder, then))
        return npi

    def clean_works_at_name(self) -> Partner | None:
        name = self.cleaned_data["works_at_name"].strip()
        if not name:
            return None
        found = list(
            Partner.objects.filter(
                kind=PartnerKind.ORGANIZATION, organization_name__iexact=name
            ).exclude(pk=self.instance.pk)[:2]
        )
        return _only_one(
            found,
            none="No practice of that name in the directory: add it first.",
            several="Two practices have that name: merge the duplicate first.",
        )

    def clean_introduced_by_ref(self) -> Partner | None:
        ref = self.cleaned_data["introduced_by_ref"].strip()
        if not ref:
            return None
        others = Partner.objects.exclude(pk=self.instance.pk)
        found = (
            list(others.filter(npi=ref)[:1])
            if ref.isdigit()
            else [
                p
                for p in others.filter(search_q(ref))[:20]
                if p.display_name.lower() == ref.lower()
                or f"{p.first_name} {p.last_name}".strip().lower() == ref.lower()
            ]
        )
        return _only_one(
            found,
            none="Nobody in the directory by that NPI or name.",
            several="Several partners have that name: give the NPI.",
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == PartnerKind.PERSON and not data.get("last_name"):
            self.add_error("last_name", "A person needs a last name.")
        if data.get("kind") == PartnerKind.ORGANIZATION and not data.get("organization_name"):
            self.add_error("organization_name", "Name the organization.")
        return data

    def save(self, commit=True):
        self.instance.works_at = self.cleaned_data.get("works_at_name")
        self.instance.introduced_by = self.cleaned_data.get("introduced_by_ref")
        return super().save(commit=commit)


class TouchpointForm(forms.Form):
    kind = forms.ChoiceField(
        choices=TouchpointKind.choices,
        initial=TouchpointKind.CALL,
        widget=forms.Select(attrs={"autofocus": True}),
    )
    occurred_on = DateField(label="Date", widget=DATE_INPUT)
    staff = forms.CharField(
        label="Who", max_length=150, required=False, help_text="Who from the practice."
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    cost = forms.DecimalField(
        label="Cost (USD)",
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text="Meals and gifts count against the yearly limit per referral source.",
    )
    plan = forms.ModelChoiceField(
        label="Carries out the plan",
        required=False,
        queryset=PlannedTouchpoint.objects.none(),
        empty_label="No plan",
    )
    confirm_over_limit = forms.BooleanField(
        label="I confirm this cost goes over the yearly limit", required=False
    )
    next_on = DateField(label="Plan the next one for", required=False, widget=DATE_INPUT)
    next_kind = forms.ChoiceField(
        label="Next contact",
        choices=TouchpointKind.choices,
        required=False,
        initial=TouchpointKind.CALL,
    )

    def __init__(self, *args, partner: Partner, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner = partner
        today = timezone.localdate()
        self.fields["occurred_on"].initial = today
        self.fields["staff"].initial = user.get_full_name() or user.username
        plans = partner.planned_touchpoints.open().order_by("planned_on")
        self.fields["plan"].queryset = plans
        self.fields["plan"].label_from_instance = lambda p: (
            f"{p.get_kind_display()} planned for {p.planned_on:%b %-d, %Y}"
        )
        self.spend_after: Spend | None = None

    def clean(self):
        data = super().clean()
        occurred_on, cost = data.get("occurred_on"), data.get("cost")
        if occurred_on and occurred_on > timezone.localdate():
            self.add_error(
                "occurred_on", "A touchpoint is logged once it happened: plan it instead."
            )
        if occurred_on and cost:
            spend = partner_spend(partner=self.partner, year=occurred_on.year)
            self.spend_after = spend.after(cost)
            if self.spend_after.level == "over" and not data.get("confirm_over_limit"):
                self.add_error(
                    "cost",
                    f"This brings {occurred_on.year}'s gifts and meals for this partner to "
                    f"${self.spend_after.spent:,.2f}, over the yearly limit of "
                    f"${spend.limit:,.2f}. Confirm below to log it anyway.",
                )
        if data.get("next_on") and data["next_on"] < timezone.localdate():
            self.add_error("next_on", "Plan the next contact for today or later.")
        return data

    @property
    def needs_confirmation(self) -> bool:
        return self.spend_after is not None and self.spend_after.level == "over"


class PlanForm(forms.Form):
    planned_on = DateField(label="Date", widget=DATE_INPUT)
    kind = forms.ChoiceField(choices=TouchpointKind.choices, initial=TouchpointKind.LUNCH)
    notes = forms.CharField(required=False, max_length=500)

    def clean_planned_on(self):
        planned_on = self.cleaned_data["planned_on"]
        if planned_on < timezone.localdate():
            raise forms.ValidationError("Plan for today or later.")
        return planned_on


class CadenceForm(forms.Form):
    contact_cadence_days = forms.TypedChoiceField(
        label="Contact cadence",
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "No cadence"), *ContactCadence.choices],
    )


class NoteForm(forms.Form):
    kind = forms.ChoiceField(
        choices=PartnerNote.Kind.choices, initial=PartnerNote.Kind.DIFFICULT_CASE
    )
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text="Partner-level: the liaison reads these, so name no patient.",
    )


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=PartnerStage.choices)


class ChoiceCards(forms.RadioSelect):
    """Radio buttons drawn as cards, one a record (templates/widgets/choice_cards.html)."""

    template_name = "widgets/choice_cards.html"


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        label="Keep", queryset=Partner.objects.none(), widget=ChoiceCards, empty_label=None
    )
    confirm = forms.BooleanField(
        label="Move everything to the partner kept and delete this duplicate", required=True
    )

    def __init__(self, *args, candidates, likely_only: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = candidates
        if likely_only:
            self.fields["keep"].label = "Keep (likely duplicates: same NPI or name)"
        self.fields["keep"].label_from_instance = _merge_label


def _merge_label(partner: Partner) -> str:
    parts = [partner.display_name, partner.specialty.name]
    if partner.npi:
        parts.append(f"NPI {partner.npi}")
    if partner.city:
        parts.append(partner.city)
    return " · ".join(parts)
