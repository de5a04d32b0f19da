"""Drafts that write themselves: each kind of report is a template filled from the record.

The text uses a small plain-text markup (markup.py) so that the clinician edits words, not
HTML: `## Heading`, `- item`, `| cell | cell |` table rows, and blank lines between paragraphs.
Anything the record does not hold yet is left as a `[[prompt]]` that must be replaced before
the report can be signed.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string

from liaison.care.instruments import INSTRUMENTS, Instrument
from liaison.care.models import Episode, Outcome, RedFlagKind, Referral, Visit
from liaison.core.geo import haversine_miles, zip_centroid
from liaison.core.models import PracticeSettings
from liaison.partners.models import Partner, PartnerKind, PartnerStage
from liaison.partners.specialties import SpecialtySlug
from liaison.reports.models import ReportKind
from liaison.reports.rules import partner_rules

PROMPT = re.compile(r"\[\[.*?\]\]", re.S)

# Where a referral we decline usually belongs, read from the triage note. The clinician can
# name another partner in the draft; this only picks the first suggestion.
SPECIALTY_HINTS = [
    (r"emergency|same day|cauda equina", SpecialtySlug.EMERGENCY_URGENT_CARE),
    (r"neurosurg", SpecialtySlug.NEUROSURGERY),
    (r"neurolog", SpecialtySlug.NEUROLOGY),
    (r"rheumatolog|inflammatory", SpecialtySlug.RHEUMATOLOGY),
    (r"imaging|fracture|x-ray|mri", SpecialtySlug.RADIOLOGY),
    (r"pelvic", SpecialtySlug.PHYSICAL_THERAPY),
    (r"behavioral|mood|psych", SpecialtySlug.BEHAVIORAL_HEALTH),
    (r"pain management|injection", SpecialtySlug.PAIN_MANAGEMENT),
    (r"orthop|surgeon|post-operative|scoliosis", SpecialtySlug.ORTHOPEDIC_SURGERY),
]


def prompts_left(text: str) -> list[str]:
    return PROMPT.findall(text)


def number(value: Decimal) -> str:
    """46.00 -> "46", 4.50 -> "4.5"."""
    return f"{Decimal(value).normalize():f}"


def outcome_change(instrument: Instrument, first: Decimal, last: Decimal) -> str:
    """'ODI 46 → 22, a clinically important improvement', and the like, for a physician."""
    head = f"{instrument.code} {number(first)} → {number(last)}"
    change = instrument.improvement(first, last)
    mcid = number(instrument.mcid)
    if change >= instrument.mcid:
        return f"{head}, a clinically important improvement"
    if change <= -instrument.mcid:
        return f"{head}, a clinically important worsening"
    if change > 0:
        return f"{head}, better, but by less than the {mcid} points that matter clinically"
    if change < 0:
        return f"{head}, slightly worse (less than the {mcid} points that matter clinically)"
    return f"{head}, no change"


@dataclass(frozen=True)
class OutcomeChange:
    instrument: Instrument
    first: Outcome
    last: Outcome

    @property
    def measured_once(self) -> bool:
        return self.first.pk == self.last.pk

    @property
    def phrase(self) -> str:
        return outcome_change(self.instrument, self.first.score, self.last.score)

    @property
    def baseline(self) -> str:
        worse = "higher" if self.instrument.lower_is_better else "lower"
        scale = f"{number(self.instrument.minimum)}–{number(self.instrument.maximum)}"
        return f"{self.instrument.code} {number(self.first.score)} ({scale}; {worse} is worse)"

    @property
    def is_clinically_important(self) -> bool:
        return self.instrument.is_clinically_important(self.first.score, self.last.score)

    @property
    def is_worsening(self) -> bool:
        return self.instrument.improvement(self.first.score, self.last.score) <= -(
            self.instrument.mcid
        )


def outcome_changes(episode: Episode, as_of: dt.date) -> list[OutcomeChange]:
    """First and last measurement of each instrument, the primary one first."""
    by_instrument: dict[str, list[Outcome]] = {}
    for outcome in episode.outcomes.filter(measured_on__lte=as_of).order_by("measured_on", "id"):
        by_instrument.setdefault(outcome.instrument, []).append(outcome)
    order = sorted(by_instrument, key=lambda code: (code != episode.primary_measure, code))
    return [
        OutcomeChange(INSTRUMENTS[code], by_instrument[code][0], by_instrument[code][-1])
        for code in order
    ]


def first_visit(episode: Episode, as_of: dt.date) -> dt.date | None:
    visit = (
        episode.visits.filter(status=Visit.Status.ATTENDED, visit_on__lte=as_of)
        .order_by("visit_on")
        .first()
    )
    return visit.visit_on if visit else None


def visits_line(episode: Episode, as_of: dt.date) -> str:
    attended = episode.visits.filter(status=Visit.Status.ATTENDED, visit_on__lte=as_of).count()
    if episode.planned_visits:
        return f"{attended} of {episode.planned_visits} planned visits attended"
    return f"{attended} visit{'s' if attended != 1 else ''} attended (no number planned)"


def salutation(partner: Partner) -> str:
    if partner.kind == PartnerKind.ORGANIZATION:
        return "Dear colleagues,"
    doctor = re.search(r"\b(MD|DO|DPM|DC|PhD|DDS)\b", partner.credentials or "")
    name = f"Dr. {partner.last_name}" if doctor else f"{partner.first_name} {partner.last_name}"
    return f"Dear {name.strip()},"


def fitting_specialty(note: str) -> str:
    for pattern, slug in SPECIALTY_HINTS:
        if re.search(pattern, note or "", re.I):
            return slug
    return SpecialtySlug.ORTHOPEDIC_SURGERY


@dataclass(frozen=True)
class Alternative:
    partner: Partner
    miles: float | None

    @property
    def distance(self) -> str:
        if self.miles is None:
            return ""
        if self.miles < 1:
            return "under a mile"
        rounded = round(self.miles)
        return f"about {rounded} mile{'s' if rounded != 1 else ''}"


def redirect_alternatives(*, referral: Referral, limit: int = 3) -> list[Alternative]:
    """Partners to suggest instead: the one triage named, else active partners of a fitting
    specialty, nearest to the patient's ZIP first (great-circle distance between ZIP
    centroids; partners whose ZIP is unknown come last, same city first)."""
    origin_zip = referral.patient.zip or referral.patient.location.zip
    origin = zip_centroid(origin_zip)
    if referral.alternative_partner_id:
        chosen = referral.alternative_partner
        return [Alternative(chosen, _miles(origin, chosen))]
    candidates = Partner.objects.filter(
        stage=PartnerStage.PARTNER, specialty_id=fitting_specialty(referral.alternative)
    ).exclude(pk=referral.partner_id)
    city = referral.patient.location.city

    def nearness(alternative: Alternative):
        unknown = alternative.miles is None
        return (
            unknown,
            alternative.miles or 0,
            alternative.partner.city != city,
            alternative.partner.display_name,
        )

    ranked = sorted((Alternative(p, _miles(origin, p)) for p in candidates), key=nearness)
    return ranked[:limit]


def _miles(origin, partner: Partner) -> float | None:
    there = zip_centroid(partner.zip)
    if origin is None or there is None:
        return None
    return round(haversine_miles(origin, there), 1)


def draft_body(
    *,
    kind: str,
    referral: Referral,
    episode: Episode | None,
    as_of: dt.date,
    due_on: dt.date | None = None,
) -> str:
    """The report's text written from the record as of `as_of`; `due_on` (the report's own
    due date) lets a progress report announce the one after it."""
    context = draft_context(
        kind=kind, referral=referral, episode=episode, as_of=as_of, due_on=due_on or as_of
    )
    text = render_to_string(f"reports/drafts/{kind}.txt", context)
    # Templates leave blank lines where optional parts are skipped; keep one at most.
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def draft_context(*, kind, referral, episode, as_of, due_on) -> dict:
    partner = referral.partner
    context = {
        "kind": kind,
        "as_of": as_of,
        "referral": referral,
        "patient": referral.patient,
        "partner": partner,
        "salutation": salutation(partner),
        "practice": PracticeSettings.current(),
        "location": (episode.location if episode and episode.location_id else None)
        or referral.patient.location,
    }
    if episode is not None:
        context |= _episode_context(episode, partner, as_of, max(as_of, due_on))
    if kind == ReportKind.REDIRECT:
        context["alternatives"] = redirect_alternatives(referral=referral)
    if kind == ReportKind.ALERT and episode is not None:
        context |= _alert_context(episode, context)
    return context


def _episode_context(episode: Episode, partner: Partner, as_of: dt.date, after: dt.date) -> dict:
    started = first_visit(episode, as_of)
    rules = partner_rules(partner)
    flags = list(episode.red_flags.all())
    findings = list(episode.findings.all())
    return {
        "episode": episode,
        "first_visit": started,
        "findings": findings,
        "red_flags_present": [f for f in flags if f.present],
        "red_flags_screened": len(flags),
        "red_flags_total": len(RedFlagKind.values),
        "outcomes": outcome_changes(episode, as_of),
        "visits_line": visits_line(episode, as_of),
        "next_progress_on": rules.next_progress_due(started, after) if started else None,
        "interventions": episode.interventions.strip().rstrip("."),
    }


def _alert_context(episode: Episode, context: dict) -> dict:
    primary = next(
        (o for o in context["outcomes"] if o.instrument.code == episode.primary_measure), None
    )
    return {"primary": primary, "worsening": bool(primary and primary.is_worsening)}
