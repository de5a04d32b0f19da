"""The practice's history: who comes when, and each patient's story (referral and triage,
episodes of care with their visits and outcome scores, payments, reports to the referrer).

One stream (`World.rng`) draws every patient's story in date order, so the same seed tells
the same history; rows go out through `World.tables` as they are decided.
"""

import bisect
import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from liaison.care.instruments import INSTRUMENTS
from liaison.demo import dates, draws
from liaison.demo.care import (
    BASELINES,
    CHANNEL_WEIGHTS,
    COMPLAINT_MIX,
    COMPLAINTS,
    COURSES,
    DIAGNOSES,
    FOLLOW_UPS,
    INSURERS,
    INTERVENTIONS,
    NOT_APPROPRIATE,
    OTHER_DECLINES,
    PRODUCTS,
    RECENT_BACKLOG_DAYS,
    RECOMMENDATIONS,
    REPORT_HABITS,
    SEASON,
    SPECIALTY_COMPLAINTS,
    SURGICAL_DISCUSSIONS,
    WEEKDAY_WEIGHT,
)
from liaison.demo.network import BASELINE_MULTIPLIER, RECENT_MULTIPLIER, S
from liaison.demo.places import FEMALE_NAMES, LAST_NAMES, MALE_NAMES
from liaison.demo.world import PartnerPlan, World

# ---------------------------------------------------------------------------------------
# Who comes when
# ---------------------------------------------------------------------------------------


def _period_sizes(world: World, periods) -> list[float]:
    """Expected new patients per period: practice growth times season, summing to the scale."""
    span = world.today - world.start
    raw = []
    for first, last in periods:
        middle = (first + last) // 2
        growth = 0.75 + 0.5 * (middle - world.start) / span
        raw.append((last - first + 1) * growth * SEASON[dt.date.fromordinal(middle).month])
    total = sum(raw)
    return [world.scale.patients * r / total for r in raw]


def _multiplier(partner: PartnerPlan, first: int, last: int, today: int) -> float:
    """How much of its usual volume the partner sends in the period [first, last]."""
    active_first = max(first, partner.first_on)
    active_last = min(last, partner.last_on)
    if active_last < active_first:
        return 0.0
    share = (active_last - active_first + 1) / (last - first + 1)
    if last > today - 90:
        share *= RECENT_MULTIPLIER.get(partner.archetype, 1.0)
    elif last > today - 455:
        share *= BASELINE_MULTIPLIER.get(partner.archetype, 1.0)
    return share


def _random_day(rng, first: int, last: int) -> int:
    """A day in [first, last], weekdays far likelier than weekends."""
    while True:
        day = rng.randint(first, last)
        if rng.random() < WEEKDAY_WEIGHT[dates.weekday(day)]:
            return day


def _forced_referrals(world: World, periods) -> dict[int, list[tuple[int, PartnerPlan]]]:
    """A referrer that joins during the history sends its first referral on its first day,
    and a dormant one its last on its last day."""
    starts = [p[0] for p in periods]
    forced: dict[int, list[tuple[int, PartnerPlan]]] = {}
    for partner in world.referrers:
        days = [] if partner.established else [partner.first_on]
        if partner.archetype == "dormant" and partner.last_on != partner.first_on:
            days.append(partner.last_on)
        for day in days:
            index = bisect.bisect(starts, day) - 1
            forced.setdefault(index, []).append((day, partner))
    return forced


def intakes(world: World) -> Iterator[tuple[int, str, PartnerPlan | None]]:
    """Yield (day, channel, partner) for every new patient, in date order."""
    rng = draws.stream(world.seed, "intake")
    periods = dates.periods(world.start, world.today)
    sizes = _period_sizes(world, periods)
    forced = _forced_referrals(world, periods)
    channels = [c for c, _ in CHANNEL_WEIGHTS]
    channel_cum = draws.cumulative(w for _, w in CHANNEL_WEIGHTS)
    for index, ((first, last), size) in enumerate(zip(periods, sizes, strict=True)):
        count = int(size) + (rng.random() < size - int(size))
        picked = [draws.pick(rng, channels, channel_cum) for _ in range(count)]
        events = [(day, "referral", p) for day, p in forced.get(index, [])]
        slots = max(0, picked.count("referral") - len(events))
        events += _drawn_referrals(world, rng, first, last, slots)
        events += [(_random_day(rng, first, last), c, None) for c in picked if c != "referral"]
        events.sort(key=lambda e: e[0])
        yield from events


def _drawn_referrals(world: World, rng, first: int, last: int, count: int) -> list:
    if count == 0:
        return []
    weights = [p.weight * _multiplier(p, first, last, world.today) for p in world.referrers]
    cumulative = draws.cumulative(weights)
    if cumulative[-1] <= 0:
        return []
    events = []
    for _ in range(count):
        partner = draws.pick(rng, world.referrers, cumulative)
        day = _random_day(rng, max(first, partner.first_on), min(last, partner.last_on))
        events.append((day, "referral", partner))
    return events


# ---------------------------------------------------------------------------------------
# One patient's story
# ---------------------------------------------------------------------------------------


def admit(world: World, day: int, channel: str, partner: PartnerPlan | None) -> None:
    """A new patient on `day`: their row, their episodes of care, what else they buy."""
    rng = world.rng
    site_index = (
        partner.site
        if partner and rng.random() < 0.85
        else world.sites.index(draws.pick(rng, world.sites, world.site_cum))
    )
    site = world.sites[site_index]
    sex = draws.weighted(rng, [("F", 53), ("M", 45), ("X", 1), ("U", 1)])
    first = rng.choice(
        FEMALE_NAMES if sex == "F" or (sex != "M" and rng.random() < 0.5) else MALE_NAMES
    )
    age = _age(rng)
    birth = day - int(age * 365.25) - rng.randint(0, 364)
    patient_id = world.tables["patients"].add(
        site.location_id,
        first,
        rng.choice(LAST_NAMES),
        dates.as_date(birth),
        sex,
        draws.pick(rng, site.patient_zips, site.patient_zip_cum),
        channel,
        partner.id if partner else None,
        dates.as_date(day),
    )
    payer = _payer(world, channel, partner, age)
    complaint = _complaint(rng, partner.specialty if partner else None)
    if partner:
        referral_id, start = _referral(world, patient_id, partner, site, day, complaint)
    else:
        referral_id = None
        start = day + rng.randint(0, 7) if rng.random() < 0.96 else None
    _care(world, patient_id, site, partner, referral_id, start, complaint, payer)
    if rng.random() < 0.05:
        _product_payments(world, patient_id, day)


def _care(world: World, patient_id, site, partner, referral_id, start, complaint, payer):
    """The patient's episodes: the first one, then returns a year or more later."""
    rng = world.rng
    while start is not None and start <= world.today:
        start = dates.next_weekday(start)
        if start > world.today:
            return
        ended = _episode(world, patient_id, site, partner, referral_id, start, complaint, payer)
        if rng.random() >= 0.18:
            return
        day = max(start + rng.randint(365, 900), (ended or start) + 30)
        complaint = _complaint(rng, None)
        referral_id = None
        if partner and _still_refers(rng, partner, day, world.today):
            referral_id, start = _referral(
                world, patient_id, partner, site, day, complaint, returning=True
            )
        else:
            start = day


def _still_refers(rng, partner: PartnerPlan, day: int, today: int) -> bool:
    # A returning patient comes back through the same partner only while it still refers,
    # thinned like its other referrals so trends stay as planned.
    if day > today or not partner.first_on <= day <= partner.last_on or rng.random() > 0.3:
        return False
    return rng.random() < _multiplier(partner, day, day, today)


def _age(rng) -> int:
    band = draws.weighted(rng, [((12, 17), 5), ((18, 39), 25), ((40, 64), 50), ((65, 90), 20)])
    return rng.randint(*band)


def _payer(world: World, channel: str, partner: PartnerPlan | None, age: int) -> str:
    rng = world.rng
    work = channel == "employer" or (
        partner and partner.specialty in (S.WORKERS_COMP, S.OCCUPATIONAL_MEDICINE, S.ATTORNEY)
    )
    if work and rng.random() < 0.7:
        return "workers_comp"
    if age >= 65 and rng.random() < 0.85:
        return "medicare"
    if rng.random() >= 0.72:
        return "self_pay"
    # Which insurer, from a stream of its own: the care stream draws as it always did.
    return draws.weighted(world.payers, INSURERS)


def _complaint(rng, specialty: str | None) -> str:
    mix = SPECIALTY_COMPLAINTS.get(specialty, COMPLAINT_MIX)
    return draws.weighted(rng, mix.items())


def _referral(world, patient_id, partner, site, day, complaint, returning=False):
    """Write the referral and its redirect letter; return (referral id, first visit day)."""
    rng, today = world.rng, world.today
    decision = decided = reason = None
    note, alternative, alternative_partner = "", "", None
    if not (day > today - 5 and rng.random() < 0.6):  # the newest wait for triage
        decided = min(today, day + rng.choice([0, 0, 1, 1, 2, 3]))
        roll = rng.random()
        inappropriate = 0 if returning else partner.inappropriate
        if roll < inappropriate:
            decision, reason = "declined", "not_appropriate"
            note, alternative, alternative_partner = _alternative(world, rng, partner)
        elif roll < inappropriate + 0.07:
            decision, reason = "declined", draws.weighted(rng, OTHER_DECLINES)
        else:
            decision = "accepted"
    instrument, codes, reasons = COMPLAINTS[complaint]
    referral_id = world.tables["referrals"].add(
        patient_id,
        partner.id,
        site.location_id,
        dates.as_date(day),
        rng.choice(reasons).format(w=rng.randint(2, 16)),
        ";".join(rng.sample(codes, rng.choice([1, 1, 2]))),
        "urgent" if rng.random() < 0.07 else "routine",
        decision,
        dates.as_date(decided),
        reason,
        note,
        alternative,
        alternative_partner,
    )
    if reason == "not_appropriate":
        _report(
            world,
            referral_id,
            None,
            "redirect",
            dates.business_days_after(decided, 1),
            decided,
            partner,
            site,
        )
    if decision != "accepted" or rng.random() < 0.07:  # declined, or never came in
        return referral_id, None
    wait = int(rng.lognormvariate(math.log(site.median_wait), 0.6))
    return referral_id, decided + min(wait, 60)


def _alternative(world: World, rng, partner: PartnerPlan) -> tuple[str, str, int | None]:
    """Why in words, where instead, and now and then the partner triage chose."""
    note, text, specialty = rng.choice(NOT_APPROPRIATE)
    nearby = world.by_specialty.get((partner.site, specialty), [])
    candidates = [p for p in nearby[:40] if p.id != partner.id]
    if candidates and rng.random() < 0.4:
        return note, text, rng.choice(candidates).id
    return note, text, None


@dataclass
class CarePlan:
    planned_visits: int | None
    planned_weeks: int | None
    per_week: int
    course: str
    improvement: float
    reason: str
    attended: int


_COURSE_CUM = draws.cumulative(c[1] for c in COURSES)


def _plan(rng) -> CarePlan:
    per_week = draws.weighted(rng, [(2, 60), (1, 25), (3, 15)])
    planned = rng.choice([6, 8, 8, 10, 12, 12, 12, 16, 18, 24])
    roll = rng.random()
    if roll < 0.03:
        planned = 0  # evaluation and a home program
    name, _, (low, high), reason = draws.pick(rng, COURSES, _COURSE_CUM)
    weeks = None if rng.random() < 0.06 else math.ceil(planned / per_week)
    attended = _attended(rng, name, planned)
    if planned == 0:
        name, reason, attended = "goals_met", "goals_met", 1
    return CarePlan(
        planned_visits=None if 0.03 <= roll < 0.08 else planned,
        planned_weeks=weeks,
        per_week=per_week,
        course=name,
        improvement=rng.uniform(low, high),
        reason=reason,
        attended=attended,
    )


def _attended(rng, course: str, planned: int) -> int:
    if course in ("goals_met", "plateau"):
        return max(2, round(planned * rng.uniform(0.75, 1.1)))
    if course in ("stalled", "worsening"):
        return max(3, round(planned * rng.uniform(0.9, 1.3)))
    return {
        "self_discharged": rng.randint(1, 4),
        "referred_out": rng.randint(2, 6),
        "surgery": rng.randint(2, 8),
        "other": rng.randint(1, 10),
    }[course]


def _visit_slots(rng, start: int, plan: CarePlan) -> list[tuple[int, str]]:
    """Booked visits from the evaluation on: attended ones until the plan's count is reached,
    with no-shows and cancellations between; someone who stops coming misses the last ones."""
    slots = [(start, "attended")]
    attended, day = 1, start
    gaps = {1: (6, 8), 2: (2, 5), 3: (1, 3)}[plan.per_week]
    while attended < plan.attended:
        day = dates.next_weekday(day + rng.randint(*gaps))
        if attended > plan.attended // 2 and rng.random() < 0.3:
            day = dates.next_weekday(day + rng.randint(2, 5))  # visits thin out as patients improve
        roll = rng.random()
        if roll < 0.05:
            slots.append((day, "no_show"))
        elif roll < 0.12:
            slots.append((day, "cancelled"))
        else:
            slots.append((day, "attended"))
            attended += 1
    if plan.course == "self_discharged":
        for _ in range(rng.randint(1, 2)):
            day = dates.next_weekday(day + rng.randint(*gaps))
            slots.append((day, rng.choice(["no_show", "cancelled"])))
    return slots


def _discharge(rng, plan: CarePlan, slots, today: int) -> tuple[int | None, str | None]:
    """(ended_on, reason); an episode still going on `today` is open."""
    last_attended = max(d for d, s in slots if s == "attended")
    if plan.course == "self_discharged":
        ended = slots[-1][0] + rng.randint(14, 45)  # closed once the practice gives up
    elif plan.course in ("referred_out", "surgery"):
        ended = last_attended + rng.randint(0, 7)
    elif plan.course == "other":
        ended = last_attended + rng.randint(0, 30)
    else:
        ended = last_attended
    if ended > today or slots[-1][0] > today:
        return None, None
    return ended, plan.reason


def _episode(world, patient_id, site, partner, referral_id, start, complaint, payer):
    """Write one episode with its visits, outcomes, payments and reports; return its end."""
    rng, today = world.rng, world.today
    plan = _plan(rng)
    measure = _primary_measure(rng, complaint)
    slots = _visit_slots(rng, start, plan)
    ended, reason = _discharge(rng, plan, slots, today)
    slots = [s for s in slots if s[0] <= today]
    episode_id = world.tables["episodes"].add(
        patient_id,
        referral_id,
        site.location_id,
        draws.pick(rng, site.clinicians, site.clinician_cum),
        dates.as_date(start),
        plan.planned_visits,
        plan.planned_weeks,
        measure,
        dates.as_date(ended),
        reason,
        payer,
        extra=_clinical_record(rng, complaint, plan, ended),
    )
    visits = world.tables["visits"]
    for day, status in slots:
        visits.add(episode_id, dates.as_date(day), status)
    attended = [d for d, s in slots if s == "attended"]
    scores = _outcomes(world, episode_id, plan, measure, attended, ended)
    _episode_payments(world, patient_id, episode_id, site, payer, attended, ended)
    if referral_id:
        _episode_reports(
            world, referral_id, episode_id, partner, site, start, ended, measure, scores
        )
    return ended


def _clinical_record(rng, complaint: str, plan: CarePlan, ended: int | None) -> dict:
    """What the clinician wrote at evaluation and discharge, for the reports' drafts."""
    code = rng.choice(COMPLAINTS[complaint][1])
    discussed = rng.choice([True, False, False, None])
    record = {
        "diagnosis_code": code,
        "diagnosis": DIAGNOSES[code],
        "visits_per_week": plan.per_week,
        "interventions": INTERVENTIONS[complaint],
        "expected_improvement_weeks": rng.choice([4, 6, 6, 8, 12]),
        "surgical_options_discussed": discussed,
        "surgical_discussion": rng.choice(SURGICAL_DISCUSSIONS) if discussed else "",
    }
    if ended:
        record["recommendations"] = rng.choice(RECOMMENDATIONS)
        record["referrer_follow_up"] = rng.choice(FOLLOW_UPS)
    return record


def _primary_measure(rng, complaint: str) -> str | None:
    roll = rng.random()
    if roll < 0.84:
        return COMPLAINTS[complaint][0]
    if roll < 0.91:
        return "PSFS"
    return "NPRS" if roll < 0.96 else None


def _outcomes(world, episode_id, plan: CarePlan, measure, attended, ended) -> list[tuple]:
    """Measure at the evaluation, about every four weeks, and at a discharge visit; return
    the primary instrument's (day, score) pairs."""
    rng = world.rng
    days = [attended[0]]
    gap = rng.randint(25, 35)
    for day in attended[1:]:
        if day - days[-1] >= gap and rng.random() < 0.9:
            days.append(day)
    if ended and plan.course in ("goals_met", "plateau", "stalled") and days[-1] != attended[-1]:
        days.append(attended[-1])
    span = max(28, math.ceil(plan.attended / plan.per_week) * 7)
    instruments = [measure or "NPRS"]
    if measure not in (None, "NPRS") and rng.random() < 0.35:
        instruments.append("NPRS")  # pain is often tracked beside the function score
    table = world.tables["outcomes"]
    primary = []
    for instrument in instruments:
        baseline = _baseline(rng, instrument)
        change = plan.improvement * float(INSTRUMENTS[instrument].mcid)
        for day in days:
            score = _score(rng, instrument, baseline, change, (day - days[0]) / span)
            table.add(episode_id, dates.as_date(day), instrument, score, None)
            if instrument == measure:
                primary.append((day, score))
    return primary


def _baseline(rng, instrument: str) -> float:
    mean, sd, low, high = BASELINES[instrument]
    return min(high, max(low, rng.gauss(mean, sd)))


def _score(rng, instrument: str, baseline: float, change: float, progress: float) -> Decimal:
    spec = INSTRUMENTS[instrument]
    improvement = 0.0
    if progress > 0:
        # Who gets worse tends to do so early; improvement comes more gradually.
        shape = 0.5 if change < 0 else 0.6
        improvement = change * min(1.0, progress) ** shape + rng.gauss(0, 0.12 * float(spec.mcid))
    value = baseline - improvement if spec.lower_is_better else baseline + improvement
    value = min(float(spec.maximum), max(float(spec.minimum), value))
    return Decimal(f"{_on_the_scale(instrument, value):.2f}")


def _on_the_scale(instrument: str, value: float) -> float:
    """Round to the values the questionnaire can give (e.g. ODI in steps of 2 %)."""
    if instrument in ("ODI", "NDI"):
        return round(value / 2) * 2
    if instrument in ("NPRS", "LEFS"):
        return round(value)
    if instrument == "PSFS":
        return round(value * 3) / 3  # mean of three 0-10 items
    return (round(value / 25 * 11) / 11) * 25  # QuickDASH: (sum / 11 - 1) x 25


def _episode_payments(world, patient_id, episode_id, site, payer, attended, ended) -> None:
    rng, today = world.rng, world.today
    payments = []
    if payer == "self_pay":
        payments = _self_pay(rng, site.self_pay_cents, attended, ended)
    else:
        payments = _insured(rng, payer, attended)
    table = world.tables["payments"]
    for day, cents in payments:
        if day <= today:
            table.add(patient_id, episode_id, dates.as_date(day), draws.cents(cents))


def _self_pay(rng, rate: int, attended: list[int], ended: int | None) -> list[tuple[int, int]]:
    if rng.random() < 0.15:
        # A prepaid package; unused visits are refunded at discharge.
        size = rng.choice([6, 10])
        price = rate * size * 9 // 10
        payments = [(attended[0], price)]
        payments += [(d, rate) for d in attended[size:]]
        unused = size - len(attended)
        if ended and unused > 0:
            payments.append((ended + rng.randint(3, 20), -(price * unused // size)))
        return payments
    payments = [(d, rate + (5000 if i == 0 else 0)) for i, d in enumerate(attended)]
    if rng.random() < 0.01:
        payments.append((attended[-1] + rng.randint(2, 10), -rate))  # charged twice
    return payments


def _insured(rng, payer: str, attended: list[int]) -> list[tuple[int, int]]:
    """Copays at the desk, then the payer's remittance per block of visits, weeks later."""
    payer = payer if payer in ("medicare", "workers_comp") else "insurance"
    allowed = {
        "insurance": (7000, 14000),
        "medicare": (6000, 9500),
        "workers_comp": (11000, 16000),
    }[payer]
    copay = {"insurance": rng.choice([2000, 3000, 4000, 5000]), "medicare": 0, "workers_comp": 0}[
        payer
    ]
    block, lag = (6, (30, 75)) if payer == "workers_comp" else (4, (14, 45))
    rate = rng.randint(*allowed)
    payments = [(d, copay) for d in attended if copay and rng.random() < 0.85]
    for i in range(0, len(attended), block):
        visits = attended[i : i + block]
        amount = (rate - copay) * len(visits) + (4500 if i == 0 else 0)
        paid = visits[-1] + rng.randint(*lag)
        payments.append((paid, amount))
        if rng.random() < 0.015:  # the payer takes some back after an audit
            payments.append((paid + rng.randint(60, 180), -rng.randint(amount // 5, amount)))
    return payments


def _product_payments(world, patient_id, day: int) -> None:
    rng = world.rng
    for _ in range(rng.randint(1, 2)):
        paid = day + rng.randint(0, 400)
        if paid <= world.today:
            _, cents = rng.choice(PRODUCTS)
            world.tables["payments"].add(patient_id, None, dates.as_date(paid), draws.cents(cents))


def _episode_reports(
    world, referral_id, episode_id, partner, site, start, ended, measure, scores
) -> None:
    """The reports the communication rules owe the referring partner for this episode."""
    today = world.today
    _report(
        world,
        referral_id,
        episode_id,
        "initial",
        dates.business_days_after(start, 2),
        start,
        partner,
        site,
    )
    horizon = ended - 1 if ended else today + 7  # upcoming progress reports show as due soon
    due = start + 30
    while due <= horizon:
        _report(world, referral_id, episode_id, "progress", due, due - 3, partner, site)
        due += 30
    if ended:
        _report(
            world,
            referral_id,
            episode_id,
            "discharge",
            dates.business_days_after(ended, 3),
            ended,
            partner,
            site,
        )
    found = _not_responding_on(measure, scores)
    if found and (ended is None or found <= ended):
        _report(
            world,
            referral_id,
            episode_id,
            "alert",
            dates.business_days_after(found, 2),
            found,
            partner,
            site,
        )


def _not_responding_on(measure: str | None, scores: list[tuple]) -> int | None:
    """The first measurement day, 28+ days after the first, showing less than the MCID."""
    if not measure or len(scores) < 2:
        return None
    spec = INSTRUMENTS[measure]
    first_day, first_score = scores[0]
    for day, score in scores[1:]:
        if day - first_day >= 28 and spec.improvement(first_score, score) < spec.mcid:
            return day
    return None


def _report(world, referral_id, episode_id, kind, due, earliest, partner, site) -> None:
    """A report due on `due`: sent on time, sent late, or not (yet) sent."""
    rng, today = world.rng, world.today
    late, never = REPORT_HABITS[kind]
    late *= site.late_factor
    if due < today - RECENT_BACKLOG_DAYS:
        never /= 4  # old reports mostly went out eventually; the backlog is recent
    roll = rng.random()
    if roll < never:
        sent = None
    elif roll < never + late:
        sent = due + 1 + int(rng.expovariate(1 / 6))
    else:
        sent = max(earliest, due - rng.choice([0, 0, 0, 1, 2]))
    if sent is not None and sent > today:
        sent = None
    channel = None
    if sent is not None:
        channel = partner.preferred_channel if rng.random() < 0.85 else "fax"
    world.tables["reports"].add(
        referral_id, episode_id, kind, dates.as_date(due), dates.as_date(sent), channel
    )
