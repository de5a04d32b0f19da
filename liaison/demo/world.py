"""The practice before its history: its clinics and clinicians, the partners who refer (each
with a volume and a trend story), their touchpoints and the marketing spend.

Everything here is decided from the seed and added as rows through `World.tables`; the
writer owns the database.
"""

import bisect
import itertools
import math
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from liaison.core.geo import haversine_miles
from liaison.demo import dates, draws
from liaison.demo.care import CHANNEL_WEIGHTS, MARKETING
from liaison.demo.network import (
    ARCHETYPE_WEIGHTS,
    CREDENTIALS,
    ORGANIZATION_KINDS,
    ORGANIZATION_TAXONOMY,
    PARTNER_NOTES,
    PERSON_SPECIALTIES,
    PERSON_TAXONOMY,
    PREFERRED_CHANNELS,
    PROSPECT_SHARE,
    PROSPECT_STAGES,
    TOP_ARCHETYPES,
    TOUCHPOINT_KINDS,
    TOUCHPOINT_NOTES,
    S,
)
from liaison.demo.places import (
    FEMALE_NAMES,
    LAST_NAMES,
    MALE_NAMES,
    PLACE_WORDS,
    SITES,
    STREETS,
    ZIPS,
    Zip,
)


@dataclass(frozen=True)
class Scale:
    locations: int
    years: int
    partners: int
    patients: int


SCALES: dict[str, Scale] = {
    # `tiny` is for the test suite's determinism check, which seeds three times.
    "tiny": Scale(locations=1, years=2, partners=60, patients=500),
    "small": Scale(locations=1, years=2, partners=150, patients=2_000),
    "medium": Scale(locations=3, years=5, partners=1_000, patients=30_000),
    "large": Scale(locations=20, years=10, partners=8_000, patients=300_000),
}
PUBLIC_SCALES = ("small", "medium", "large")
CLINICIANS_PER_SITE = 3


class Rows(Protocol):
    """Where the simulation puts the rows of one table (`writer.Table`)."""

    first_id: int

    def add(self, *values, extra: dict | None = None) -> int: ...


@dataclass
class Site:
    """A clinic of the practice: its location row, and who comes to it from where."""

    name: str
    address: str
    zip: Zip
    area_code: str
    phone: str
    fax: str
    code: uuid.UUID
    weight: float
    patient_zips: list[str]
    patient_zip_cum: list[float]
    partner_zips: list[str]
    partner_zip_cum: list[float]
    median_wait: float
    self_pay_cents: int
    late_factor: float
    clinicians: list[str] = field(default_factory=list)
    clinician_cum: list[float] = field(default_factory=list)
    location_id: int | None = None  # given by the writer


@dataclass(frozen=True)
class Clinician:
    """A clinician besides the demo login, to be written as a user of one site."""

    site: int
    username: str
    first_name: str
    last_name: str
    credentials: str


@dataclass
class PartnerPlan:
    id: int
    kind: str
    specialty: str
    site: int
    weight: float
    preferred_channel: str
    archetype: str = "prospect"
    stage: str = "prospect"
    first_on: int | None = None
    last_on: int | None = None
    inappropriate: float = 0.03
    org_kind: str = ""
    established: bool = False  # was referring before the history begins


@dataclass
class World:
    seed: int
    scale: Scale
    today: int
    start: int
    rng: random.Random
    payers: random.Random
    tables: dict[str, Rows]
    sites: list[Site] = field(default_factory=list)
    site_cum: list[float] = field(default_factory=list)
    partners: list[PartnerPlan] = field(default_factory=list)
    referrers: list[PartnerPlan] = field(default_factory=list)
    referrer_ids: list[int] = field(default_factory=list)
    by_specialty: dict[tuple[int, str], list[PartnerPlan]] = field(default_factory=dict)
    staff_names: dict[str, str] = field(default_factory=dict)
    owner_ids: list[int] = field(default_factory=list)
    clinicians: list[Clinician] = field(default_factory=list)


def _nearby(center: Zip, radius: float, scale_miles: float) -> tuple[list[str], list[float]]:
    """ZIPs within `radius` miles, weighted to fall off with distance."""
    codes, weights = [], []
    for z in ZIPS.values():
        miles = haversine_miles(center.centroid, z.centroid)
        if miles <= radius:
            codes.append(z.code)
            weights.append(math.exp(-miles / scale_miles))
    return codes, draws.cumulative(weights)


def plan_sites(world: World) -> None:
    """The practice's clinics for the scale, each with the ZIPs its patients and partners
    come from."""
    rng = draws.stream(world.seed, "sites")
    for index, (name, zip_code, address, area_code) in enumerate(SITES[: world.scale.locations]):
        z = ZIPS[zip_code]
        phone, fax, code = draws.phone(rng, area_code), draws.phone(rng, area_code), draws.code(rng)
        patient_zips, patient_cum = _nearby(z, 25, 6)
        partner_zips, partner_cum = _nearby(z, 15, 4)
        world.sites.append(
            Site(
                name=name,
                address=address,
                zip=z,
                area_code=area_code,
                phone=phone,
                fax=fax,
                code=code,
                weight=1.4 if index == 0 else rng.uniform(0.6, 1.2),
                patient_zips=patient_zips,
                patient_zip_cum=patient_cum,
                partner_zips=partner_zips,
                partner_zip_cum=partner_cum,
                median_wait=rng.uniform(3, 8),
                self_pay_cents=rng.choice([9500, 10500, 11500, 12500]),
                late_factor=rng.uniform(0.6, 1.5),
            )
        )
    world.site_cum = draws.cumulative(s.weight for s in world.sites)


def plan_clinicians(world: World) -> None:
    """CLINICIANS_PER_SITE a site; the demo clinician login is the first of the first site."""
    rng = draws.stream(world.seed, "clinicians")
    taken = {"maya.okafor"}
    for index, site in enumerate(world.sites):
        names = ["Maya Okafor"] if index == 0 else []
        while len(names) < CLINICIANS_PER_SITE:
            female = rng.random() < 0.55
            first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
            last = rng.choice(LAST_NAMES)
            username = f"{first}.{last}".lower().replace("'", "")
            if username in taken:
                continue
            taken.add(username)
            credentials = rng.choice(["DPT", "DPT", "DC", "PT"])
            world.clinicians.append(Clinician(index, username, first, last, credentials))
            names.append(f"{first} {last}")
        site.clinicians = names
        # The demo clinician login carries the biggest caseload of the first site.
        site.clinician_cum = draws.cumulative(
            [1.6 if index == 0 and i == 0 else 1.0 for i in range(len(names))]
        )


def plan_partners(world: World) -> None:
    """Decide every partner's kind, specialty, site, volume and trend story."""
    rng = draws.stream(world.seed, "partner-plan")
    n = world.scale.partners
    org_count = round(n * 0.15)
    kinds = [("organization", k) for k in _org_kinds(rng, org_count)]
    kinds += [("person", None)] * (n - org_count)
    first_id = world.tables["partners"].first_id
    for index, (kind, org) in enumerate(kinds):
        if org:
            org_kind, specialty, volume = org
        else:
            org_kind, specialty, volume = "", *_person_specialty(rng)
        world.partners.append(
            PartnerPlan(
                id=first_id + index,
                kind=kind,
                specialty=specialty,
                org_kind=org_kind,
                site=world.sites.index(draws.pick(rng, world.sites, world.site_cum)),
                weight=volume,
                preferred_channel=rng.choice(PREFERRED_CHANNELS),
            )
        )
    _assign_stories(world, rng)


def _org_kinds(rng: random.Random, count: int) -> list[tuple[str, str, float]]:
    cum = draws.cumulative(k[2] for k in ORGANIZATION_KINDS)
    return [
        (k[0], k[1], k[3]) for k in (draws.pick(rng, ORGANIZATION_KINDS, cum) for _ in range(count))
    ]


_PERSON_CUM = draws.cumulative(s[1] for s in PERSON_SPECIALTIES)


def _person_specialty(rng: random.Random) -> tuple[str, float]:
    slug, _, volume = draws.pick(rng, PERSON_SPECIALTIES, _PERSON_CUM)
    return slug, volume


def _assign_stories(world: World, rng: random.Random) -> None:
    """Zipf volumes (a few partners send most), then a trend story for each referrer."""
    order = list(world.partners)
    rng.shuffle(order)
    prospects = round(len(order) * PROSPECT_SHARE)
    for partner in order[:prospects]:
        partner.weight = 0.0
        partner.stage = rng.choice(PROSPECT_STAGES)
    referrers = order[prospects:]
    for rank, partner in enumerate(referrers):
        partner.weight *= (rank + 3) ** -0.9
    referrers.sort(key=lambda p: -p.weight)
    stories = _story_deck(rng, len(referrers))
    for rank, partner in enumerate(referrers):
        partner.archetype = TOP_ARCHETYPES.get(rank) or stories[rank]
        _set_window(world, rng, partner)
        lost = partner.archetype == "dormant" and rng.random() < 0.3
        partner.stage = "lost" if lost else "partner"
        # Most partners send what we treat; a few send many we must redirect.
        poor_fit = rng.random() < 0.1
        partner.inappropriate = rng.uniform(0.12, 0.3) if poor_fit else rng.uniform(0.01, 0.05)
    world.referrers = sorted(referrers, key=lambda p: p.id)
    world.referrer_ids = [p.id for p in world.referrers]
    for partner in world.partners:
        world.by_specialty.setdefault((partner.site, partner.specialty), []).append(partner)


def _story_deck(rng: random.Random, count: int) -> list[str]:
    """Trend stories in their exact shares, shuffled, so every seed tells all of them."""
    total = sum(ARCHETYPE_WEIGHTS.values())
    deck = [
        story
        for story, weight in ARCHETYPE_WEIGHTS.items()
        for _ in range(round(count * weight / total))
    ]
    deck = (deck + ["steady"] * count)[:count]
    rng.shuffle(deck)
    return deck


def _set_window(world: World, rng: random.Random, partner: PartnerPlan) -> None:
    """The span of days in which the partner refers: first and last referral dates."""
    start, today = world.start, world.today
    if partner.archetype == "new":
        partner.first_on = dates.next_weekday(today - rng.randint(5, 84))
        if partner.first_on > today:
            partner.first_on = today
        partner.last_on = today
        return
    # Established partners were referring before the history starts; the rest joined
    # early enough to have a year of baseline before the last 90 days.
    latest_join = today - 500
    if rng.random() < 0.65 or latest_join <= start:
        partner.first_on, partner.established = start, True
    else:
        partner.first_on = dates.next_weekday(rng.randint(start, latest_join))
    partner.last_on = today
    if partner.archetype == "dormant":
        if partner.first_on > today - 250:
            partner.first_on, partner.established = start, True
        last = rng.randint(partner.first_on + 60, today - 181)
        while dates.weekday(last) >= 5:
            last -= 1
        partner.last_on = max(last, partner.first_on)


def add_partners(world: World) -> None:
    """Every partner's row: name, NPI and taxonomy, address, where they work, who introduced
    them, who owns the relationship."""
    rng = draws.stream(world.seed, "partners")
    npis: set[str] = set()
    names: set[str] = set()
    orgs_by_site: dict[tuple[int, str], list[PartnerPlan]] = {}
    addresses: dict[int, tuple] = {}
    table = world.tables["partners"]
    for partner in world.partners:
        site = world.sites[partner.site]
        zip_code = draws.pick(rng, site.partner_zips, site.partner_zip_cum)
        address = (
            f"{rng.randint(100, 9999)} {rng.choice(STREETS)}",
            ZIPS[zip_code].city,
            "CO",
            zip_code,
            draws.phone(rng, site.area_code),
            draws.phone(rng, site.area_code),
        )
        if partner.kind == "organization":
            values = _organization_values(rng, partner, npis, names)
            orgs_by_site.setdefault((partner.site, partner.org_kind), []).append(partner)
            addresses[partner.id] = address
            works_at = None
        else:
            values = _person_values(rng, partner, npis)
            works_at = _workplace(rng, partner, orgs_by_site)
            if works_at:
                # Someone who works at a clinic is reached at the clinic's address.
                address = (*addresses[works_at.id][:4], address[4], addresses[works_at.id][5])
        email = _email(rng, partner, values)
        table.add(
            partner.kind,
            values["npi"],
            values["first"],
            values["last"],
            values["org"],
            values["credentials"],
            values["taxonomy"],
            str(partner.specialty),
            works_at.id if works_at else None,
            _introducer(rng, world, partner),
            *address,
            email,
            partner.preferred_channel,
            partner.stage,
            rng.choice(world.owner_ids) if partner.stage != "prospect" else None,
            rng.choice(PARTNER_NOTES) if rng.random() < 0.2 else "",
        )


def _organization_values(rng, partner: PartnerPlan, npis: set[str], names: set[str]) -> dict:
    suffixes = next(k[4] for k in ORGANIZATION_KINDS if k[1] == partner.specialty)
    for attempt in itertools.count():
        name = f"{rng.choice(PLACE_WORDS)} {rng.choice(suffixes)}"
        if attempt > 20:
            name = f"{name} {attempt}"
        if name not in names:
            names.add(name)
            break
    is_clinic = partner.org_kind == "clinic"
    codes = ORGANIZATION_TAXONOMY.get(partner.specialty) or PERSON_TAXONOMY.get(
        partner.specialty, []
    )
    return {
        "npi": draws.npi(rng, npis) if is_clinic else None,
        "first": "",
        "last": "",
        "org": name,
        "credentials": "",
        "taxonomy": rng.choice(codes) if is_clinic and codes else "",
    }


def _person_values(rng, partner: PartnerPlan, npis: set[str]) -> dict:
    female = rng.random() < 0.5
    first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    last = rng.choice(LAST_NAMES)
    if partner.specialty == S.ATTORNEY:
        return {
            "npi": None,
            "first": first,
            "last": last,
            "org": "",
            "credentials": rng.choice(["JD", "Esq."]),
            "taxonomy": "",
        }
    taxonomy = rng.choice(PERSON_TAXONOMY[partner.specialty])
    credentials = next(c for prefix, c in CREDENTIALS if taxonomy.startswith(prefix))
    return {
        "npi": draws.npi(rng, npis),
        "first": first,
        "last": last,
        "org": "",
        "credentials": rng.choice(credentials),
        "taxonomy": taxonomy,
    }


def _workplace(rng, partner: PartnerPlan, orgs_by_site: dict) -> PartnerPlan | None:
    """The organization a person works at: a clinic nearby, or for occupational health and
    athletic trainers sometimes an employer's or a wellness program's on-site service."""
    kind = "clinic"
    if partner.specialty in (S.OCCUPATIONAL_MEDICINE, S.ATHLETIC_TRAINING) and rng.random() < 0.5:
        kind = "employer" if partner.specialty == S.OCCUPATIONAL_MEDICINE else "wellness"
    places = orgs_by_site.get((partner.site, kind), [])
    return rng.choice(places) if places and rng.random() < 0.35 else None


def _email(rng, partner: PartnerPlan, values: dict) -> str:
    if rng.random() > 0.6:
        return ""
    if partner.kind == "organization":
        slug = "".join(ch for ch in values["org"].lower() if ch.isalnum())[:24]
        return f"referrals@{slug}.example"
    local = f"{values['first'][0]}{values['last']}".lower().replace("'", "")
    return f"{local}@{partner.specialty.replace('_', '')}-demo.example"


def _introducer(rng, world: World, partner: PartnerPlan) -> int | None:
    # A referrer created earlier introduced this partner (ids only point backwards).
    if rng.random() > 0.08:
        return None
    earlier = world.referrers[: bisect.bisect_left(world.referrer_ids, partner.id)]
    return rng.choice(earlier).id if earlier else None


def add_touchpoints(world: World) -> None:
    rng = draws.stream(world.seed, "touchpoints")
    kinds, weights = zip(*TOUCHPOINT_KINDS, strict=True)
    kind_cum = draws.cumulative(weights)
    top = {
        p.id
        for p in sorted(world.referrers, key=lambda p: -p.weight)[
            : max(5, len(world.referrers) // 10)
        ]
    }
    for partner in world.partners:
        for day in _touchpoint_days(world, rng, partner, partner.id in top):
            kind = draws.pick(rng, list(kinds), kind_cum)
            world.tables["touchpoints"].add(
                partner.id,
                dates.as_date(day),
                kind,
                rng.choice(TOUCHPOINT_NOTES[kind]),
                world.staff_names["liaison" if rng.random() < 0.8 else "manager"],
                _touchpoint_cost(rng, kind),
            )


def _touchpoint_days(world: World, rng, partner: PartnerPlan, is_top: bool) -> list[int]:
    today, start = world.today, world.start
    if partner.stage == "prospect":
        return []
    if partner.archetype == "prospect":
        # Courting: a few contacts, recent unless the prospect was lost.
        count = {
            "contacted": rng.randint(1, 2),
            "meeting": rng.randint(2, 4),
            "lost": rng.randint(1, 3),
        }[partner.stage]
        span = (today - 700, today - 200) if partner.stage == "lost" else (today - 200, today)
        days = (dates.next_weekday(rng.randint(max(start, span[0]), span[1])) for _ in range(count))
        return sorted(d for d in days if d <= today)
    days = []
    gap = (25, 50) if is_top else (60, 150)
    end = today if partner.archetype != "dormant" else min(today, partner.last_on + 90)
    day = max(start, partner.first_on - rng.randint(20, 120))
    while day <= end:
        days.append(dates.next_weekday(day))
        day += rng.randint(*gap)
    if partner.archetype in ("declining", "dormant") and rng.random() < 0.25:
        days.append(dates.next_weekday(today - rng.randint(3, 25)))  # someone already called
    return [d for d in days if d <= today]


def _touchpoint_cost(rng, kind: str) -> Decimal | None:
    """What a contact cost, per partner: a lunch or an event's share, coffee on a visit."""
    if kind == "lunch":
        return draws.cents(rng.randint(2500, 15000))
    if kind == "event":
        return draws.cents(rng.randint(500, 15000))
    if kind == "office_visit" and rng.random() < 0.4:
        return draws.cents(rng.randint(500, 3500))
    return None


def add_marketing_spend(world: World) -> None:
    """A row per month and channel (per location for local advertising), each a month's
    budget sized to win the channel's share of new patients at a plausible cost each."""
    rng = draws.stream(world.seed, "marketing")
    patients_a_month = world.scale.patients / (world.scale.years * 12)
    share = {
        channel: weight / sum(w for _, w in CHANNEL_WEIGHTS) for channel, weight in CHANNEL_WEIGHTS
    }
    total_weight = sum(site.weight for site in world.sites)
    table = world.tables["marketing_spend"]
    for month in dates.months(world.start, world.today):
        for channel, (dollars, often, local, description) in MARKETING.items():
            if rng.random() >= often:
                continue
            budget = patients_a_month * share[channel] * dollars / often
            places = (
                [(s.location_id, s.weight / total_weight) for s in world.sites]
                if local
                else [(None, 1.0)]
            )
            for location_id, part in places:
                cents = round(budget * part * rng.uniform(0.8, 1.2) * 100)
                table.add(
                    channel, dates.as_date(month), draws.cents(cents), location_id, description
                )
