"""Property: shuffling the rows of practice files changes no record and no figure.

New rows are recorded in the natural order of their practice ids, not in the order of the
file's lines; figures that break ties by record id (two readings of an instrument on the
same day) therefore come out the same however the rows stand in the files.
"""

import csv
import datetime as dt
import io
import json
import random
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from liaison.interop.practice_files.export import export_practice_files
from liaison.interop.practice_files.importer import import_practice_files

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 6, 30)


def _day(date: dt.date) -> str:
    return date.isoformat()


class _Ids:
    """Unpadded practice ids (O9, O10, …), so natural order differs from text order."""

    def __init__(self):
        self.counts = defaultdict(int)

    def __call__(self, prefix: str) -> str:
        self.counts[prefix] += 1
        return f"{prefix}{self.counts[prefix]}"


def small_practice(rng: random.Random) -> dict[str, list[dict]]:
    files = defaultdict(list)
    next_id = _Ids()
    files["locations.csv"] = [
        {"location_id": "L1", "name": "Riverside"},
        {"location_id": "L2", "name": "Northside"},
    ]
    partners = [next_id("P") for _ in range(12)]
    for partner in partners:
        files["partners.csv"].append(
            {
                "partner_id": partner,
                "kind": "person",
                "last_name": f"Doctor {partner}",
                "specialty": "other",
            }
        )
    for _ in range(rng.randint(25, 35)):
        _patient(rng, files, next_id, rng.choice(partners))
    for _ in range(15):
        files["touchpoints.csv"].append(
            {
                "touchpoint_id": next_id("T"),
                "partner_id": rng.choice(partners),
                "occurred_on": _day(AS_OF - dt.timedelta(days=rng.randint(0, 200))),
                "kind": "lunch",
                "cost": f"{rng.randint(10, 150)}.00",
            }
        )
    for month in range(1, 13):
        files["marketing_spend.csv"].append(
            {
                "spend_id": next_id("MS"),
                "channel": rng.choice(["web_search", "social", "event"]),
                "spent_on": _day(dt.date(2024, 6 + month // 7, 1 + month)),
                "amount": f"{rng.randint(100, 900)}.00",
                "location_id": rng.choice(["", "L1"]),
            }
        )
    return files


def _patient(rng, files, next_id, partner: str) -> None:
    patient = next_id("PT")
    referred = rng.random() < 0.7
    files["patients.csv"].append(
        {
            "patient_id": patient,
            "location_id": rng.choice(["L1", "L2"]),
            "first_name": "Sam",
            "last_name": f"Patient {patient}",
            "channel": "referral" if referred else rng.choice(["self", "web_search", "event"]),
            "source_partner_id": partner if referred else "",
        }
    )
    received = AS_OF - dt.timedelta(days=rng.randint(60, 330))
    referral = ""
    if referred:
        referral = next_id("R")
        declined = rng.random() < 0.15
        files["referrals.csv"].append(
            {
                "referral_id": referral,
                "patient_id": patient,
                "partner_id": partner,
                "received_on": _day(received),
                "decision": "declined" if declined else "accepted",
                "decided_on": _day(received),
                "decline_reason": "not_appropriate" if declined else "",
                "decline_note": "Needs imaging first" if declined else "",
            }
        )
        files["reports.csv"].append(
            {
                "report_id": next_id("RP"),
                "referral_id": referral,
                "kind": "redirect" if declined else "initial",
                "sent_on": _day(received + dt.timedelta(days=2)),
            }
        )
        if declined:
            return
    _episode(rng, files, next_id, patient, referral, received + dt.timedelta(days=3))


def _episode(rng, files, next_id, patient: str, referral: str, started: dt.date) -> None:
    episode = next_id("E")
    ended = started + dt.timedelta(days=rng.randint(30, 50))
    files["episodes.csv"].append(
        {
            "episode_id": episode,
            "patient_id": patient,
            "referral_id": referral,
            "started_on": _day(started),
            "planned_visits": str(rng.randint(4, 10)),
            "primary_measure": "ODI",
            "ended_on": _day(ended),
            "discharge_reason": "goals_met",
            "payer": rng.choice(["commercial", "medicare", "self_pay"]),
        }
    )
    for week in range(rng.randint(2, 7)):
        files["visits.csv"].append(
            {
                "visit_id": next_id("V"),
                "episode_id": episode,
                "visit_on": _day(started + dt.timedelta(days=7 * week)),
                "status": "attended" if week == 0 or rng.random() < 0.8 else "no_show",
            }
        )
    # Two readings on the first day: the one recorded first (the lower outcome_id) is the
    # episode's first measurement, and decides whether it reached the MCID of 10.
    first = rng.randint(40, 70)
    last = first - 12 - rng.randint(0, 6)
    for score, on in ((first, started), (first - 10, started), (last, ended)):
        files["outcomes.csv"].append(
            {
                "outcome_id": next_id("O"),
                "episode_id": episode,
                "measured_on": _day(on),
                "instrument": "ODI",
                "score": str(score),
            }
        )
    files["payments.csv"].append(
        {
            "payment_id": next_id("PAY"),
            "patient_id": patient,
            "episode_id": episode,
            "paid_on": _day(started),
            "amount": f"{rng.randint(40, 140)}.00",
        }
    )


def write_practice(folder: Path, files: dict[str, list[dict]], rng=None) -> Path:
    """The files, each row in the given order, or shuffled by `rng`."""
    folder.mkdir(parents=True)
    for name, rows in files.items():
        rows = list(rows)
        if rng is not None:
            rng.shuffle(rows)
        columns = list(dict.fromkeys(column for row in rows for column in row))
        out = io.StringIO()
        writer = csv.DictWriter(out, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        (folder / name).write_text(out.getvalue(), encoding="utf-8")
    return folder


def imported_figures(folder: Path, export_to: Path) -> tuple[str, dict[str, bytes]]:
    """`liaison scorecards --format json` and the export after importing `folder` into the
    empty database, which is emptied again afterwards: rolled back, as `flush` cannot empty
    PostgreSQL tables whose foreign keys are still to be checked at the test's commit."""
    with transaction.atomic():
        outcome = import_practice_files(folder)
        assert outcome.ok, outcome.errors
        out = io.StringIO()
        call_command("scorecards", "--format", "json", "--as-of", AS_OF.isoformat(), stdout=out)
        export_practice_files(export_to)
        transaction.set_rollback(True)
    exported = {path.name: path.read_bytes() for path in sorted(export_to.iterdir())}
    return out.getvalue(), exported


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffled_files_give_the_same_records_and_figures(seed, tmp_path):
    files = small_practice(random.Random(seed))
    in_order = write_practice(tmp_path / "in_order", files)
    shuffled = write_practice(tmp_path / "shuffled", files, random.Random(seed + 100))

    figures, records = imported_figures(in_order, tmp_path / "export_in_order")
    figures_shuffled, records_shuffled = imported_figures(shuffled, tmp_path / "export_shuffled")

    assert figures_shuffled == figures
    assert records_shuffled == records
    scored = [p for p in json.loads(figures)["partners"] if p["outcome_success_rate"] is not None]
    assert scored  # the ties are in the figures compared


def test_same_day_readings_are_ordered_by_practice_id_not_by_line(tmp_path):
    """The worked example of docs/metrics.md ("Improvement"): ODI 40, then two readings on the
    same later day, O10 (29) standing above O9 (31) in the file. O9 comes before O10, so the
    last reading is 29: an improvement of 11, which reaches the MCID of 10 (by line order it
    would be 31, an improvement of 9, and no success)."""
    files = {
        "locations.csv": [{"location_id": "L1", "name": "Riverside"}],
        "partners.csv": [{"partner_id": "P1", "kind": "person", "last_name": "Reed"}],
        "patients.csv": [
            {
                "patient_id": "PT1",
                "location_id": "L1",
                "first_name": "Maya",
                "last_name": "Okonkwo",
                "channel": "referral",
                "source_partner_id": "P1",
            }
        ],
        "referrals.csv": [
            {
                "referral_id": "R1",
                "patient_id": "PT1",
                "partner_id": "P1",
                "received_on": "2025-01-06",
                "decision": "accepted",
                "decided_on": "2025-01-06",
            }
        ],
        "episodes.csv": [
            {
                "episode_id": "E1",
                "patient_id": "PT1",
                "referral_id": "R1",
                "started_on": "2025-01-08",
                "planned_visits": "1",
                "primary_measure": "ODI",
                "ended_on": "2025-03-03",
                "discharge_reason": "goals_met",
            }
        ],
        "visits.csv": [
            {"visit_id": "V1", "episode_id": "E1", "visit_on": "2025-01-08", "status": "attended"}
        ],
        "outcomes.csv": [
            {
                "outcome_id": "O1",
                "episode_id": "E1",
                "measured_on": "2025-01-08",
                "instrument": "ODI",
                "score": "40",
            },
            {
                "outcome_id": "O10",
                "episode_id": "E1",
                "measured_on": "2025-03-03",
                "instrument": "ODI",
                "score": "29",
            },
            {
                "outcome_id": "O9",
                "episode_id": "E1",
                "measured_on": "2025-03-03",
                "instrument": "ODI",
                "score": "31",
            },
        ],
    }
    document, _ = imported_figures(write_practice(tmp_path / "files", files), tmp_path / "out")
    [partner] = json.loads(document)["partners"]
    assert (partner["closed_episodes"], partner["outcome_success_rate"]) == (1, 1.0)
