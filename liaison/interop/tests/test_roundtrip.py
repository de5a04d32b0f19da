"""Property: practice files written the way the export writes them import and export back
byte for byte: the round trip is the identity."""

import csv
import datetime as dt
import io

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.care.instruments import INSTRUMENTS
from liaison.care.models import Channel, Payer
from liaison.factories import valid_npi
from liaison.interop.practice_files.export import export_practice_files
from liaison.interop.practice_files.importer import import_practice_files
from liaison.interop.practice_files.schema import FILES
from liaison.partners.specialties import SpecialtySlug

dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2025, 12, 31))
# Born before any care, which cannot start before the patient's birth.
birth_dates = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2014, 12, 31))
# Commas, quotes, newlines and accents: everything CSV quoting must carry; no surrounding
# whitespace, which the import trims.
words = st.text(alphabet=st.sampled_from('ab Zé,"\n'), max_size=8).map(str.strip)
names = words.filter(bool)


def maybe(strategy):
    return st.none() | strategy


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


@st.composite
def practice(draw) -> dict[str, list[dict]]:
    d = {spec.name: [] for spec in FILES}
    for n in range(draw(st.integers(1, 2))):
        d["locations.csv"].append(
            {
                "location_id": f"L{n}",
                "name": draw(names),
                "address": draw(words),
                "state": draw(st.sampled_from(["", "CO"])),
            }
        )
    npis = iter(valid_npi(n) for n in range(1000, 1100))
    for n in range(draw(st.integers(1, 5))):
        partners = d["partners.csv"]
        kind = draw(st.sampled_from(["person", "organization"]))
        orgs = [p["partner_id"] for p in partners if p["kind"] == "organization"]
        partners.append(
            {
                "partner_id": f"P{n}",
                "kind": kind,
                "npi": next(npis) if draw(st.booleans()) else None,
                "first_name": draw(words),
                "last_name": draw(names) if kind == "person" else "",
                "organization_name": draw(names) if kind == "organization" else draw(words),
                "specialty": draw(st.sampled_from(SpecialtySlug.values)),
                "works_at": draw(maybe(st.sampled_from(orgs))) if orgs else None,
                "email": draw(st.sampled_from(["", "a@example.com"])),
                "preferred_channel": draw(st.sampled_from(["fax", "email", "portal"])),
                "stage": draw(st.sampled_from(["prospect", "partner", "lost"])),
                "introduced_by": draw(maybe(st.sampled_from([p["partner_id"] for p in partners])))
                if partners
                else None,
            }
        )
    partner_ids = [p["partner_id"] for p in d["partners.csv"]]
    for n in range(draw(st.integers(1, 4))):
        channel = draw(st.sampled_from(["referral", "self", "web_search"]))
        d["patients.csv"].append(
            {
                "patient_id": f"PT{n}",
                "location_id": "L0",
                "first_name": draw(names),
                "last_name": draw(names),
                "birth_date": draw(maybe(birth_dates)),
                "sex": draw(st.sampled_from(["F", "M", "X", "U"])),
                "channel": channel,
                "source_partner_id": draw(st.sampled_from(partner_ids))
                if channel == "referral"
                else None,
                "created_on": draw(maybe(dates)),
            }
        )
    _care(draw, d, partner_ids)
    return d


def _care(draw, d, partner_ids) -> None:
    patients = [p["patient_id"] for p in d["patients.csv"]]
    for n in range(draw(st.integers(0, 3))):
        received = draw(dates)
        decision = draw(st.sampled_from([None, "accepted", "declined"]))
        d["referrals.csv"].append(
            {
                "referral_id": f"R{n}",
                "patient_id": draw(st.sampled_from(patients)),
                "partner_id": draw(st.sampled_from(partner_ids)),
                "received_on": received,
                "reason": draw(words),
                "urgency": draw(st.sampled_from(["routine", "urgent"])),
                "decision": decision,
                "decided_on": received if decision else None,
                "decline_reason": "insurance" if decision == "declined" else None,
                "decline_note": draw(words) if decision == "declined" else None,
            }
        )
    for n in range(draw(st.integers(0, 3))):
        patient = draw(st.sampled_from(patients))
        theirs = [r["referral_id"] for r in d["referrals.csv"] if r["patient_id"] == patient]
        started = draw(dates)
        ended = draw(maybe(st.just(started)))
        d["episodes.csv"].append(
            {
                "episode_id": f"E{n}",
                "patient_id": patient,
                "referral_id": draw(maybe(st.sampled_from(theirs))) if theirs else None,
                "started_on": started,
                "planned_visits": draw(maybe(st.integers(0, 30))),
                "primary_measure": draw(maybe(st.sampled_from(list(INSTRUMENTS)))),
                "ended_on": ended,
                "discharge_reason": "plateau" if ended else None,
                "payer": draw(maybe(st.sampled_from(Payer.values))),
            }
        )
    episodes = d["episodes.csv"]
    for n in range(draw(st.integers(0, 4)) if episodes else 0):
        episode = draw(st.sampled_from(episodes))
        instrument = draw(st.sampled_from(list(INSTRUMENTS)))
        top = int(INSTRUMENTS[instrument].maximum * 100)
        d["visits.csv"].append(
            {
                "visit_id": f"V{n}",
                "episode_id": episode["episode_id"],
                "visit_on": draw(dates),
                "status": draw(st.sampled_from(["attended", "no_show"])),
            }
        )
        d["outcomes.csv"].append(
            {
                "outcome_id": f"O{n}",
                "episode_id": episode["episode_id"],
                "measured_on": draw(dates),
                "instrument": instrument,
                "score": money(draw(st.integers(0, top))),
            }
        )
        d["payments.csv"].append(
            {
                "payment_id": f"PY{n}",
                "patient_id": episode["patient_id"],
                "episode_id": draw(maybe(st.just(episode["episode_id"]))),
                "paid_on": draw(dates),
                "amount": money(draw(st.integers(-10_000, 10_000_00))),
            }
        )
    for n, referral in enumerate(d["referrals.csv"]):
        d["reports.csv"].append(
            {
                "report_id": f"RP{n}",
                "referral_id": referral["referral_id"],
                "kind": draw(st.sampled_from(["initial", "redirect"])),
                "due_on": draw(dates),
                "sent_on": draw(maybe(dates)),
                "channel": draw(maybe(st.sampled_from(["fax", "mail"]))),
            }
        )
    for n in range(draw(st.integers(0, 2))):
        d["touchpoints.csv"].append(
            {
                "touchpoint_id": f"T{n}",
                "partner_id": draw(st.sampled_from(partner_ids)),
                "occurred_on": draw(dates),
                "kind": "lunch",
                "notes": draw(words),
                "staff": draw(words),
                "cost": draw(maybe(st.integers(0, 99_999_999_99).map(money))),
            }
        )
    locations = [location["location_id"] for location in d["locations.csv"]]
    for n in range(draw(st.integers(0, 3))):
        d["marketing_spend.csv"].append(
            {
                "spend_id": f"MS{n}",
                "channel": draw(st.sampled_from(Channel.values)),
                "spent_on": draw(dates),
                "amount": money(draw(st.integers(0, 10**12 - 1))),
                "location_id": draw(maybe(st.sampled_from(locations))),
                "description": draw(words),
            }
        )


def as_csv(name: str, rows: list[dict]) -> bytes:
    """The file as export_practice writes it: every column, in order, CRLF."""
    columns = [c.name for c in next(spec for spec in FILES if spec.name == name).columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else str(row.get(c, "")) for c in columns])
    return out.getvalue().encode("utf-8")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=practice())
def test_importing_then_exporting_gives_back_the_same_files(data, tmp_path_factory, db):
    folder = tmp_path_factory.mktemp("practice")
    written = {name: as_csv(name, rows) for name, rows in data.items()}
    for name, content in written.items():
        (folder / name).write_bytes(content)

    with transaction.atomic():
        outcome = import_practice_files(folder)
        assert outcome.ok, outcome.errors
        export_practice_files(folder / "export")
        exported = {name: (folder / "export" / name).read_bytes() for name in written}
        transaction.set_rollback(True)

    assert exported == written
