import datetime as dt
import io
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from liaison.accounts.models import AuditEvent, Location
from liaison.care.models import (
    Episode,
    MarketingSpend,
    Outcome,
    Patient,
    Payment,
    Referral,
    Visit,
)
from liaison.factories import PartnerFactory, PatientFactory
from liaison.interop.practice_files.export import export_practice_files
from liaison.interop.practice_files.importer import import_practice_files
from liaison.interop.tests.conftest import database_checksum
from liaison.partners.models import Partner, Touchpoint
from liaison.reports.models import CommunicationPreference, Report

pytestmark = pytest.mark.django_db

CLEAN = {
    "locations.csv": (
        "location_id,name,address,city,state,zip\nL1,Riverside Clinic,1 Main St,Denver,CO,80202\n"
    ),
    "partners.csv": (
        "partner_id,kind,npi,first_name,last_name,organization_name,taxonomy_code,specialty,"
        "works_at,introduced_by\n"
        'ORG1,organization,,,,"Front Range Ortho, PC",,,,\n'
        "P1,person,1234567893,Ann,Lee,,207X00000X,,ORG1,P2\n"
        "P2,person,,Bo,Kim,,,chiropractic,,\n"
    ),
    "patients.csv": (
        "patient_id,location_id,first_name,last_name,birth_date,sex,zip,channel,"
        "source_partner_id,created_on\n"
        "PT1,L1,Maya,Okonkwo,1980-05-17,F,80202,referral,P1,2024-01-02\n"
        "PT2,L1,Sam,Ortiz,,,,self,,\n"
    ),
    "referrals.csv": (
        "referral_id,patient_id,partner_id,received_on,location_id,reason,icd10_codes,urgency,"
        "decision,decided_on,decline_reason,alternative,decline_note\n"
        'R1,PT1,P1,2024-01-02,L1,"Low back pain,\nradiating",M54.5;M51.2,,accepted,2024-01-03,'
        ",,\n"
        "R2,PT2,P2,2024-01-08,,,,urgent,declined,2024-01-09,not_appropriate,See a neurologist,"
        '"Vertigo with double vision, new this week"\n'
    ),
    "episodes.csv": (
        "episode_id,patient_id,referral_id,location_id,clinician,started_on,planned_visits,"
        "planned_weeks,primary_measure,ended_on,discharge_reason,payer\n"
        "E1,PT1,R1,L1,Dr Rivera,2024-01-05,8,4,ODI,2024-02-20,goals_met,commercial\n"
    ),
    "visits.csv": (
        "visit_id,episode_id,visit_on,status\nV1,E1,2024-01-05,attended\nV2,E1,2024-01-12,no_show\n"
    ),
    "outcomes.csv": (
        "outcome_id,episode_id,measured_on,instrument,score\n"
        "O1,E1,2024-01-05,ODI,40\nO2,E1,2024-02-20,ODI,12.5\n"
    ),
    "payments.csv": (
        "payment_id,patient_id,episode_id,paid_on,amount\n"
        "PY1,PT1,E1,2024-01-05,95.00\nPY2,PT1,E1,2024-01-06,-20\n"
    ),
    "touchpoints.csv": (
        "touchpoint_id,partner_id,occurred_on,kind,notes,staff,cost\n"
        'T1,P1,2024-01-10,lunch,"Talked about ""red flags""",Kim,42.5\n'
    ),
    "marketing_spend.csv": (
        "spend_id,channel,spent_on,amount,location_id,description\n"
        'MS1,web_search,2024-01-01,1200.00,L1,"Search ads, January"\n'
        "MS2,event,2024-01-15,350,,County 5K booth\n"
    ),
    "reports.csv": (
        "report_id,referral_id,episode_id,kind,due_on,sent_on,channel\n"
        "RP1,R1,E1,initial,,2024-01-08,fax\n"
        "RP2,R1,E1,discharge,,,\n"
        "RP3,R1,E1,progress,,2024-02-06,email\n"
        "RP4,R2,,redirect,,,\n"
        "RP5,R1,E1,alert,2024-02-01,2024-02-02,fax\n"
    ),
}


def write_files(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / name).write_bytes(data)
    return folder


def run_import(folder: Path, *args) -> str:
    out = io.StringIO()
    call_command("import_practice", str(folder), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def counts_line(output: str, name: str) -> list[int]:
    line = next(line for line in output.splitlines() if line.startswith(name))
    return [int(n.replace(",", "")) for n in line.split()[1:]]


def test_clean_files_are_imported_whole(tmp_path):
    output = run_import(write_files(tmp_path, CLEAN))

    assert counts_line(output, "total") == [23, 23, 0, 0]
    p1 = Partner.objects.get(external_id="P1")
    assert p1.works_at.external_id == "ORG1" and p1.introduced_by.external_id == "P2"
    assert p1.specialty_id == "orthopedic_surgery"  # derived from the taxonomy code
    assert p1.preferred_channel == "fax" and p1.stage == "prospect"  # the defaults
    referral = Referral.objects.get(external_id="R1")
    assert referral.reason == "Low back pain,\nradiating"
    assert referral.urgency == "routine"
    assert Patient.objects.get(external_id="PT2").sex == "U"
    assert Outcome.objects.get(external_id="O2").score == Decimal("12.50")
    assert Payment.objects.get(external_id="PY2").amount == Decimal("-20.00")
    assert Touchpoint.objects.get().notes == 'Talked about "red flags"'
    assert Visit.objects.filter(episode__external_id="E1").count() == 2
    assert len({str(v.code) for v in Visit.objects.all()}) == 2
    assert all(v.code.version == 4 for v in Visit.objects.all())


def test_spend_costs_payers_and_decline_notes_are_imported(tmp_path):
    run_import(write_files(tmp_path, CLEAN))

    assert Touchpoint.objects.get(external_id="T1").cost == Decimal("42.50")
    assert Episode.objects.get(external_id="E1").payer == "commercial"
    declined = Referral.objects.get(external_id="R2")
    assert declined.decline_note == "Vertigo with double vision, new this week"
    assert Referral.objects.get(external_id="R1").decline_note == ""
    spend = {s.external_id: s for s in MarketingSpend.objects.select_related("location")}
    assert spend["MS1"].channel == "web_search" and spend["MS1"].amount == Decimal("1200.00")
    assert spend["MS1"].location.external_id == "L1"
    assert spend["MS1"].description == "Search ads, January"
    assert spend["MS2"].location is None  # practice-wide
    assert spend["MS2"].spent_on == dt.date(2024, 1, 15)


@pytest.mark.parametrize("count", [1, 2, 1000, 10_000_000])
def test_new_codes_are_random_uuids_ascending_with_the_rows(count):
    """Codes drawn for rows 1, 2, … of `count` rise with the row (so the code index is
    filled by appends), whatever the count, and are version-4 UUIDs like any other."""
    from django.db import connection

    from liaison.interop.practice_files.sql import ascending_codes

    shown = min(count, 1000)
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE ns (n) AS (SELECT %s UNION ALL SELECT n + 1 FROM ns WHERE n < %s) "
            f"SELECT {ascending_codes('n', count)} FROM ns ORDER BY n",
            [count - shown + 1, count],
        )
        codes = [uuid.UUID(str(row[0])) for row in cursor.fetchall()]
    assert len(codes) == shown
    assert codes == sorted(codes) and len(set(codes)) == shown
    assert all(c.version == 4 and c.variant == uuid.RFC_4122 for c in codes)


def test_report_due_dates_follow_the_communication_rules_when_empty(tmp_path):
    run_import(write_files(tmp_path, CLEAN))
    due = dict(Report.objects.values_list("external_id", "due_on"))

    assert due["RP1"] == dt.date(2024, 1, 9)  # first visit Fri Jan 5 + 2 business days
    assert due["RP2"] == dt.date(2024, 2, 23)  # ended Tue Feb 20 + 3 business days
    assert due["RP3"] == dt.date(2024, 2, 4)  # sent Feb 6: nearest milestone is first + 30
    assert due["RP4"] == dt.date(2024, 1, 10)  # declined Tue Jan 9 + 1 business day
    assert due["RP5"] == dt.date(2024, 2, 1)  # given in the file


def test_a_partners_own_rules_move_the_due_dates_of_its_imported_reports(tmp_path):
    run_import(write_files(tmp_path / "first", CLEAN))
    partner = Partner.objects.get(external_id="P1")
    CommunicationPreference.objects.create(
        partner=partner, initial_report_business_days=5, progress_report_interval_days=14
    )
    reports = (
        "report_id,referral_id,episode_id,kind,due_on,sent_on,channel\n"
        "RP6,R1,E1,initial,,,\n"
        "RP7,R1,E1,progress,,2024-01-20,\n"
        "RP8,R2,,redirect,,,\n"
    )
    run_import(write_files(tmp_path / "second", {"reports.csv": reports}))
    due = dict(Report.objects.values_list("external_id", "due_on"))

    assert due["RP6"] == dt.date(2024, 1, 12)  # first visit Fri Jan 5 + 5 business days
    assert due["RP7"] == dt.date(2024, 1, 19)  # sent Jan 20: nearest milestone is first + 14
    assert due["RP8"] == dt.date(2024, 1, 10)  # P2 has no rules of its own: the practice's


def test_real_exports_are_read_bom_crlf_quotes_whitespace_and_any_column_order(tmp_path):
    files = {
        "locations.csv": b"\xef\xbb\xbfzip,name,location_id\r\n80202 , Riverside Clinic ,L1\r\n",
        "patients.csv": (
            b"\xef\xbb\xbfchannel,last_name,first_name,location_id,patient_id\r\n"
            b'self,"O\'Brien, Jr","Ma""ya",L1,  PT1  \r\n'
            b"\r\n"
            b",,,,\r\n"
            b'web_search,"Multi\r\nLine",Sam,L1,PT2\r\n'
        ),
    }
    output = run_import(write_files(tmp_path, files))

    assert counts_line(output, "total") == [3, 3, 0, 0]
    assert Location.objects.get(external_id="L1").name == "Riverside Clinic"
    assert Location.objects.get(external_id="L1").zip == "80202"
    first = Patient.objects.get(external_id="PT1")
    assert (first.first_name, first.last_name) == ('Ma"ya', "O'Brien, Jr")
    assert Patient.objects.get(external_id="PT2").last_name == "Multi\r\nLine"


def test_a_second_import_of_the_same_files_changes_nothing(tmp_path):
    folder = write_files(tmp_path, CLEAN)
    run_import(folder)
    before = database_checksum()
    del before["accounts_auditevent"]

    output = run_import(folder)

    assert counts_line(output, "total") == [23, 0, 0, 23]
    after = database_checksum()
    assert after.pop("accounts_auditevent")[0] == 2  # one event per import
    assert after == before


def test_a_later_import_updates_the_rows_that_changed(tmp_path):
    run_import(write_files(tmp_path / "first", CLEAN))
    changed = dict(CLEAN)
    changed["visits.csv"] = CLEAN["visits.csv"].replace(
        "V2,E1,2024-01-12,no_show", "V2,E1,2024-01-12,attended"
    )
    changed["visits.csv"] += "V3,E1,2024-01-19,attended\n"
    changed["partners.csv"] = CLEAN["partners.csv"].replace(",ORG1,P2", ",,P2")
    episode = Episode.objects.get(external_id="E1")
    created_at = episode.created_at

    output = run_import(write_files(tmp_path / "second", changed))

    assert counts_line(output, "visits.csv") == [3, 1, 1, 1]
    assert counts_line(output, "partners.csv") == [3, 0, 1, 2]
    assert Visit.objects.get(external_id="V2").status == "attended"
    assert Partner.objects.get(external_id="P1").works_at is None
    episode.refresh_from_db()
    assert episode.created_at == created_at


def test_a_later_import_updates_costs_spend_and_payers(tmp_path):
    run_import(write_files(tmp_path / "first", CLEAN))
    changed = dict(CLEAN)
    changed["touchpoints.csv"] = CLEAN["touchpoints.csv"].replace(",Kim,42.5", ",Kim,")
    changed["marketing_spend.csv"] = CLEAN["marketing_spend.csv"].replace(",350,", ",400.10,")
    changed["episodes.csv"] = CLEAN["episodes.csv"].replace(",commercial", ",workers_comp")

    output = run_import(write_files(tmp_path / "second", changed))

    assert counts_line(output, "touchpoints.csv") == [1, 0, 1, 0]
    assert counts_line(output, "marketing_spend.csv") == [2, 0, 1, 1]
    assert counts_line(output, "episodes.csv") == [1, 0, 1, 0]
    assert Touchpoint.objects.get(external_id="T1").cost is None
    assert MarketingSpend.objects.get(external_id="MS2").amount == Decimal("400.10")
    assert Episode.objects.get(external_id="E1").payer == "workers_comp"


def test_rows_may_refer_to_records_already_in_the_database(tmp_path, existing):
    files = {
        "visits.csv": "visit_id,episode_id,visit_on,status\nV1,E0,2024-02-03,attended\n",
        "partners.csv": "partner_id,kind,first_name,last_name,works_at\nP9,person,Ann,Lee,ORG0\n",
    }
    run_import(write_files(tmp_path, files))

    assert Visit.objects.get(external_id="V1").episode.external_id == "E0"
    assert Partner.objects.get(external_id="P9").works_at.external_id == "ORG0"


def test_two_partners_may_swap_their_npis(tmp_path):
    PartnerFactory(external_id="A", npi="1234567893")
    PartnerFactory(external_id="B", npi="1004242420")
    files = {
        "partners.csv": "partner_id,kind,npi,last_name\n"
        "A,person,1004242420,Lee\nB,person,1234567893,Kim\n"
    }
    run_import(write_files(tmp_path, files))

    assert Partner.objects.get(external_id="A").npi == "1004242420"
    assert Partner.objects.get(external_id="B").npi == "1234567893"


def test_a_dry_run_reports_the_counts_and_writes_nothing(tmp_path, existing):
    before = database_checksum()
    output = run_import(write_files(tmp_path, CLEAN), "--dry-run")

    assert counts_line(output, "total") == [23, 23, 0, 0]
    assert "Dry run" in output
    assert database_checksum() == before


def test_errors_are_capped_with_a_count_of_the_rest(tmp_path):
    rows = "".join(f"V{n},E9,2024-02-30,attended\n" for n in range(300))
    write_files(tmp_path, {"visits.csv": "visit_id,episode_id,visit_on,status\n" + rows})

    outcome = import_practice_files(tmp_path)

    assert outcome.error_count == 600  # a bad date and an unknown episode on each row
    assert len(outcome.errors) == 200
    assert outcome.errors[:2] == [
        "visits.csv:2: visit_on: 2024-02-30 is not a date (YYYY-MM-DD)",
        "visits.csv:2: episode_id: E9 is in neither episodes.csv nor the database",
    ]


def test_the_command_prints_the_rest_of_the_errors_as_a_count(tmp_path):
    rows = "".join(f"V{n},E9,2024-02-05,attended\n" for n in range(250))
    write_files(tmp_path, {"visits.csv": "visit_id,episode_id,visit_on,status\n" + rows})
    stderr = io.StringIO()

    with pytest.raises(Exception, match="250 errors; nothing was written."):
        call_command("import_practice", str(tmp_path), stdout=io.StringIO(), stderr=stderr)

    assert stderr.getvalue().splitlines()[-1] == "… and 50 more errors"


def test_an_import_is_audited_without_patient_data(tmp_path, owner):
    outcome = import_practice_files(write_files(tmp_path, CLEAN), user=owner)

    event = AuditEvent.objects.get(action="import")
    assert outcome.ok and event.user == owner
    assert event.detail == "11 files: 23 inserted, 0 updated, 0 unchanged"


def test_exported_files_are_the_owners_alone(tmp_path):
    PatientFactory()
    export_practice_files(tmp_path / "out")
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o700
    modes = {path.stat().st_mode & 0o777 for path in (tmp_path / "out").iterdir()}
    assert modes == {0o600}


def test_export_gives_practice_ids_to_records_made_in_liaison(tmp_path):
    patient = PatientFactory(external_id=None)
    export_practice_files(tmp_path / "one")
    patient.refresh_from_db()
    export_practice_files(tmp_path / "two")

    assert patient.external_id == f"L-{patient.code.hex}"
    assert (tmp_path / "one" / "patients.csv").read_bytes() == (
        tmp_path / "two" / "patients.csv"
    ).read_bytes()
    assert AuditEvent.objects.filter(action="export").count() == 2


def test_an_export_imports_into_an_empty_database_as_the_same_records(tmp_path):
    run_import(write_files(tmp_path / "in", CLEAN))
    export_practice_files(tmp_path / "out")
    for model in (
        Report,
        Payment,
        Outcome,
        Visit,
        Episode,
        Referral,
        Patient,
        Touchpoint,
        MarketingSpend,
    ):
        model.objects.all().delete()
    Partner.objects.update(works_at=None, introduced_by=None)
    Partner.objects.all().delete()
    Location.objects.all().delete()

    run_import(tmp_path / "out")
    export_practice_files(tmp_path / "again")

    for name in CLEAN:
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "out" / name).read_bytes()
