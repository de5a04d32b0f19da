"""Writes of the care record: new patients, referrals and their triage, visits, outcomes,
what a clinician records at evaluation and at discharge; and the practice's marketing spend
per channel.

Every write of patient data goes to the audit trail. `request`, where a service takes it,
serves only to record the address the change came from.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, Value, When

from liaison.accounts.access import clinicians_at
from liaison.accounts.audit import audit_record
from liaison.accounts.models import AuditEvent, Location, User
from liaison.accounts.names import name_key, users_by_name
from liaison.care.instruments import INSTRUMENTS, InstrumentCode
from liaison.care.models import (
    Channel,
    Decision,
    DeclineReason,
    Episode,
    MarketingSpend,
    Outcome,
    Patient,
    RedFlag,
    Referral,
    Sex,
    Urgency,
    Visit,
    VisitStatus,
)
from liaison.care.scoring import ITEM_SCORERS, ScoringError, score_nprs, score_psfs
from liaison.partners.models import Partner

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE


class CareError(Exception):
    """A write the record's rules refuse; the message says why, for the person at the desk."""


def _audit(action: str, obj, by, request, detail: str) -> None:
    audit_record(request=request, user=by, action=action, obj=obj, detail=detail)


@dataclass(frozen=True)
class NewPatient:
    """What the front desk types about a person the practice has not seen before."""

    first_name: str
    last_name: str
    birth_date: dt.date | None
    location: Location
    channel: str
    sex: str = Sex.UNKNOWN
    zip: str = ""


def patient_create(
    *, new: NewPatient, source_partner: Partner | None, on: dt.date, by, request=None
) -> Patient:
    if new.channel not in Channel.values:
        raise CareError("Choose how the patient found us.")
    if new.channel == Channel.REFERRAL and source_partner is None:
        raise CareError("A referred patient needs the partner who sent them.")
    patient = Patient.objects.create(
        location=new.location,
        first_name=new.first_name.strip(),
        last_name=new.last_name.strip(),
        birth_date=new.birth_date,
        sex=new.sex,
        zip=new.zip.strip(),
        channel=new.channel,
        # The source partner stands only for the referral channel.
        source_partner=source_partner if new.channel == Channel.REFERRAL else None,
        created_on=on,
    )
    _audit(CREATE, patient, by, request, "new patient")
    return patient


@dataclass(frozen=True)
class ReferralDetails:
    received_on: dt.date
    reason: str = ""
    icd10_codes: str = ""
    urgency: str = Urgency.ROUTINE


def referral_receive(
    *, patient: Patient, partner: Partner, details: ReferralDetails, by, request=None
) -> Referral:
    referral = Referral.objects.create(
        patient=patient,
        partner=partner,
        location=patient.location,
        received_on=details.received_on,
        reason=details.reason.strip(),
        icd10_codes=details.icd10_codes.strip(),
        urgency=details.urgency,
    )
    _audit(CREATE, referral, by, request, "referral received")
    return referral


@transaction.atomic
def intake_record(
    *,
    patient: Patient | None,
    new_patient: NewPatient | None,
    partner: Partner | None,
    details: ReferralDetails | None,
    on: dt.date,
    by,
    request=None,
) -> tuple[Patient, Referral | None]:
    """The front desk's intake in one step: the patient (an existing one, or a new one with
    their channel) and, when a partner sent them, the referral. All or nothing."""
    if patient is None:
        if new_patient is None:
            raise CareError("Name the patient.")
        patient = patient_create(
            new=new_patient, source_partner=partner, on=on, by=by, request=request
        )
    referral = None
    if partner is not None and details is not None:
        referral = referral_receive(
            patient=patient, partner=partner, details=details, by=by, request=request
        )
    return patient, referral


# Every field a triage decision writes (accepting clears what a decline had set).
DECISION_FIELDS = (
    "decision",
    "decided_on",
    "decline_reason",
    "decline_note",
    "alternative",
    "alternative_partner",
)


def _decidable(referral: Referral, on: dt.date) -> None:
    if on < referral.received_on:
        raise CareError("A referral cannot be decided before it was received.")


@transaction.atomic
def referral_accept(*, referral: Referral, on: dt.date, by, request=None) -> Referral:
    _decidable(referral, on)
    referral.decision = Decision.ACCEPTED
    referral.decided_on = on
    referral.decline_reason = None
    referral.decline_note = ""
    referral.alternative = ""
    referral.alternative_partner = None
    referral.save(update_fields=[*DECISION_FIELDS, "updated_at"])
    _audit(UPDATE, referral, by, request, "triage: accepted")
    return referral


@transaction.atomic
def referral_decline(
    *,
    referral: Referral,
    reason: str,
    decline_note: str = "",
    alternative: str = "",
    alternative_partner: Partner | None = None,
    on: dt.date,
    by,
    request=None,
) -> Referral:
    """Decline with a reason and, in words, why. Declined as not appropriate, the referral
    owes the partner a redirect letter that says why and names the alternative (the due
    engine derives that obligation), so both are then required."""
    _decidable(referral, on)
    if reason not in DeclineReason.values:
        raise CareError("Choose why the referral is declined.")
    if reason == DeclineReason.NOT_APPROPRIATE:
        _redirect_letter_can_be_written(decline_note, alternative, alternative_partner)
    referral.decision = Decision.DECLINED
    referral.decided_on = on
    referral.decline_reason = reason
    referral.decline_note = decline_note.strip()
    referral.alternative = alternative.strip()
    referral.alternative_partner = alternative_partner
    referral.scheduled_on = None
    referral.save(update_fields=[*DECISION_FIELDS, "scheduled_on", "updated_at"])
    _audit(UPDATE, referral, by, request, f"triage: declined, {reason}")
    return referral


def _redirect_letter_can_be_written(
    decline_note: str, alternative: str, alternative_partner: Partner | None
) -> None:
    if not decline_note.strip():
        raise CareError("Say why we are not the right fit: the redirect letter explains it.")
    if not (alternative.strip() or alternative_partner):
        raise CareError("Say where the patient should go instead: the redirect letter names it.")


def referral_schedule(*, referral: Referral, on: dt.date | None, by, request=None) -> Referral:
    """Book (or, with None, unbook) the first visit of an accepted referral."""
    if referral.decision != Decision.ACCEPTED:
        raise CareError("Accept the referral before booking its first visit.")
    if on is not None and on < referral.received_on:
        raise CareError("The first visit cannot be booked before the referral was received.")
    referral.scheduled_on = on
    referral.save(update_fields=["scheduled_on", "updated_at"])
    _audit(UPDATE, referral, by, request, "first visit booked" if on else "booking cleared")
    return referral


@dataclass(frozen=True)
class EpisodePlan:
    """What starts an episode: the evaluation's date, who sees the patient, what is measured."""

    started_on: dt.date
    clinician: User | None = None
    primary_measure: str | None = None
    planned_visits: int | None = None
    planned_weeks: int | None = None


@transaction.atomic
def episode_start(
    *,
    patient: Patient,
    referral: Referral | None,
    plan: EpisodePlan,
    first_visit: str = VisitStatus.ATTENDED,
    by,
    request=None,
) -> Episode:
    """Open an episode of care with its first visit (the evaluation, or a missed one)."""
    if referral is not None and referral.patient_id != patient.pk:
        raise CareError("The referral is another patient's.")
    # Visits never come before their episode's start (visit_record), so none before birth.
    if patient.birth_date is not None and plan.started_on < patient.birth_date:
        raise CareError("A visit cannot come before the patient's birth date.")
    if referral is not None and referral.decision == Decision.DECLINED:
        raise CareError("This referral was declined; accept it before care starts.")
    _require_clinician_at(plan.clinician, patient.location)
    if referral is not None and referral.decision is None:
        referral_accept(
            referral=referral, on=max(plan.started_on, referral.received_on), by=by, request=request
        )
    episode = Episode.objects.create(
        patient=patient,
        referral=referral,
        location=patient.location,
        clinician=plan.clinician,
        clinician_name=plan.clinician.get_full_name() if plan.clinician else "",
        started_on=plan.started_on,
        primary_measure=plan.primary_measure or None,
        planned_visits=plan.planned_visits,
        planned_weeks=plan.planned_weeks,
    )
    _audit(CREATE, episode, by, request, "episode started")
    visit_record(episode=episode, on=plan.started_on, status=first_visit, by=by, request=request)
    return episode


def _require_clinician_at(clinician: User | None, location: Location) -> None:
    if clinician is not None and not clinicians_at(location).filter(pk=clinician.pk).exists():
        raise CareError(f"{clinician.get_full_name()} does not sign reports at {location}.")


def clinicians_link_by_name() -> int:
    """Link every episode whose clinician is only a name to the one user of that name
    ("Maya Okafor, DPT" is Maya Okafor), in one statement; returns how many were linked."""
    unlinked = Episode.objects.filter(clinician__isnull=True).exclude(clinician_name="")
    written = unlinked.values_list("clinician_name", flat=True).distinct()
    users = users_by_name(User.objects.values_list("id", "first_name", "last_name"))
    matched = {name: users[name_key(name)] for name in written if name_key(name) in users}
    if not matched:
        return 0
    whens = [When(clinician_name=name, then=Value(pk)) for name, pk in matched.items()]
    linked = unlinked.filter(clinician_name__in=matched).update(clinician_id=Case(*whens))
    return linked


@transaction.atomic
def episode_clinician_link(*, written: str, clinician: User, by, request=None) -> int:
    """A manager says who the clinician the files call `written` is: every episode naming
    them unlinked is linked to `clinician`. Returns how many episodes changed."""
    episodes = Episode.objects.filter(clinician__isnull=True, clinician_name=written)
    linked = episodes.update(clinician=clinician)
    audit_record(
        request=request,
        user=by,
        action=AuditEvent.Action.UPDATE,
        obj=Episode,
        detail=f"clinician linked to {linked} episodes",
    )
    return linked


def visit_record(*, episode: Episode, on: dt.date, status: str, by, request=None) -> Visit:
    if status not in VisitStatus.values:
        raise CareError("Choose whether the patient attended, did not show, or cancelled.")
    if on < episode.started_on:
        raise CareError("A visit cannot come before the episode started.")
    if episode.ended_on is not None and on > episode.ended_on:
        raise CareError("This episode has ended; a later visit belongs to a new episode.")
    visit = Visit.objects.create(episode=episode, visit_on=on, status=status)
    _audit(CREATE, visit, by, request, f"visit: {status}")
    return visit


@dataclass(frozen=True)
class Answers:
    """A measurement as entered: item answers for a questionnaire, ratings with activity names
    for the PSFS, one rating for the NPRS."""

    items: list[int | None] | None = None
    activities: list[tuple[str, int | None]] | None = None
    rating: int | None = None


def outcome_score(*, instrument: str, answers: Answers) -> tuple[Decimal, dict | None]:
    """The score and the item record to keep; raises ScoringError when it cannot be scored."""
    if instrument in ITEM_SCORERS:
        items = list(answers.items or [])
        return ITEM_SCORERS[instrument](items), {"answers": items}
    if instrument == InstrumentCode.PSFS:
        named = [(name.strip(), r) for name, r in answers.activities or [] if name.strip()]
        unnamed = [r for name, r in answers.activities or [] if not name.strip() and r is not None]
        if unnamed:
            raise ScoringError("Name each activity you rate.")
        score = score_psfs([r for _, r in named])
        return score, {"activities": [{"activity": n, "rating": r} for n, r in named]}
    return score_nprs(answers.rating), None


def outcome_record(
    *,
    episode: Episode,
    instrument: str,
    measured_on: dt.date,
    answers: Answers,
    by,
    request=None,
) -> Outcome:
    """Score the answers as the instrument's rules say and keep both; the first measurement
    of an episode without a primary measure makes this instrument its primary one."""
    if instrument not in INSTRUMENTS:
        raise CareError("Unknown instrument.")
    if measured_on < episode.started_on:
        raise CareError("A measurement cannot come before the episode started.")
    score, items = outcome_score(instrument=instrument, answers=answers)
    with transaction.atomic():
        outcome = Outcome.objects.create(
            episode=episode,
            measured_on=measured_on,
            instrument=instrument,
            score=score,
            items=items,
        )
        if not episode.primary_measure:
            episode.primary_measure = instrument
            episode.save(update_fields=["primary_measure", "updated_at"])
        _audit(CREATE, outcome, by, request, f"outcome: {instrument}")
    return outcome


def episode_record_evaluation(*, form, findings, red_flags, outcomes, by, request=None) -> Episode:
    """Save the evaluation from the clinician's valid forms (the episode's fields, findings,
    red flags, scores), all or nothing."""
    with transaction.atomic():
        episode = form.save()
        findings.save()
        outcomes.save()
        _red_flags_save(episode, red_flags)
        audit_record(
            request=request, user=by, action=UPDATE, obj=episode, detail="evaluation recorded"
        )
    return episode


def episode_record_discharge(*, form, outcomes, by, request=None) -> Episode:
    """Save the discharge from the clinician's valid forms: the end, its reason, the last
    scores."""
    with transaction.atomic():
        episode = form.save()
        outcomes.save()
        audit_record(
            request=request, user=by, action=UPDATE, obj=episode, detail="discharge recorded"
        )
    return episode


def _red_flags_save(episode: Episode, red_flags) -> None:
    for answer in red_flags.cleaned_data:
        present = answer.get("present")
        if not present:  # not asked: nothing recorded, an earlier answer is withdrawn
            RedFlag.objects.filter(episode=episode, kind=answer["kind"]).delete()
            continue
        RedFlag.objects.update_or_create(
            episode=episode,
            kind=answer["kind"],
            defaults={"present": present == "yes", "notes": answer.get("notes", "")},
        )


# ---------------------------------------------------------------------------------------
# Marketing spend (no patient data: not audited, but it changes the channels' figures)
# ---------------------------------------------------------------------------------------


CENT = Decimal("0.01")
SPEND_LIMIT = Decimal(10) ** 10  # the column holds 12 digits, 2 of them cents


@dataclass(frozen=True)
class SpendDetails:
    """One amount spent to win new patients through a channel; no location: the whole
    practice's."""

    channel: str
    spent_on: dt.date
    amount: Decimal
    location: Location | None = None
    description: str = ""


def _spend_checked(details: SpendDetails) -> None:
    if details.channel not in Channel.values:
        raise CareError(f"Channel: {details.channel!r} is not one of the channels.")
    amount = details.amount
    if not amount.is_finite() or amount < 0:
        raise CareError("Amount: spend is zero or more (a refund lowers an earlier row).")
    if amount != amount.quantize(CENT) or amount >= SPEND_LIMIT:
        raise CareError("Amount: dollars and cents, below $10,000,000,000.")


def marketing_spend_create(*, details: SpendDetails, by) -> MarketingSpend:
    _spend_checked(details)
    spend = MarketingSpend.objects.create(
        channel=details.channel,
        spent_on=details.spent_on,
        amount=details.amount,
        location=details.location,
        description=details.description.strip(),
    )
    return spend


def marketing_spend_update(*, spend: MarketingSpend, details: SpendDetails, by) -> MarketingSpend:
    _spend_checked(details)
    spend.channel, spend.spent_on, spend.amount = details.channel, details.spent_on, details.amount
    spend.location, spend.description = details.location, details.description.strip()
    spend.save(
        update_fields=["channel", "spent_on", "amount", "location", "description", "updated_at"]
    )
    return spend


def marketing_spend_delete(*, spend: MarketingSpend, by) -> None:
    spend.delete()
