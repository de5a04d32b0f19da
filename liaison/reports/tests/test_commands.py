import io
import json

import pytest
from django.core.management import CommandError, call_command

from liaison.factories import ReportFactory
from liaison.reports.tests.builders import day, referral_seen

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("reports_due", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def reports(location_a, location_b):
    referral, episode = referral_seen(location=location_a, visits=["2026-01-12"])
    referral.external_id, episode.external_id = "R-1", "E-1"
    referral.save()
    episode.save()
    referral.partner.external_id = "P-9"
    referral.partner.save()
    ReportFactory(
        referral=referral,
        episode=episode,
        kind="initial",
        due_on=day("2026-01-14"),
        sent_on=day("2026-01-15"),
    )
    referral_seen(location=location_b, visits=["2026-01-13"])
    location_b.external_id = "HILL"
    location_b.save()


def test_reports_due_lists_each_obligation_as_json(reports):
    document = json.loads(run("--as-of", "2026-01-20", "--format", "json"))
    assert (document["as_of"], document["due_from"], document["due_to"]) == (
        "2026-01-20",
        "2025-01-21",
        "2026-02-03",
    )
    assert document["obligations"][0] == {
        "kind": "initial",
        "referral_id": "R-1",
        "episode_id": "E-1",
        "partner_id": "P-9",
        "due_on": "2026-01-14",
        "sent_on": "2026-01-15",
        "status": "sent_late",
    }
    assert [o["status"] for o in document["obligations"]] == ["sent_late", "overdue"]


def test_reports_due_narrows_to_a_location_and_a_status(reports):
    document = json.loads(
        run(
            "--as-of", "2026-01-20", "--location", "HILL", "--status", "overdue", "--format", "json"
        )
    )
    assert [(o["kind"], o["due_on"]) for o in document["obligations"]] == [
        ("initial", "2026-01-15")
    ]


def test_reports_due_prints_a_table_with_a_summary(reports):
    text = run("--as-of", "2026-01-20")
    assert "kind     referral_id" in text
    assert "initial  R-1" in text
    assert text.rstrip().endswith("2 obligations: 0 sent_on_time, 1 sent_late, 1 overdue, 0 due")


def test_reports_due_refuses_an_unknown_location(db):
    with pytest.raises(CommandError, match="No location"):
        run("--as-of", "2026-01-20", "--location", "NOWHERE")


def test_reports_due_narrows_to_a_partner(reports):
    document = json.loads(run("--as-of", "2026-01-20", "--partner", "P-9", "--format", "json"))
    assert document["partner_id"] == "P-9"
    assert [(o["partner_id"], o["status"]) for o in document["obligations"]] == [
        ("P-9", "sent_late")
    ]


def test_reports_due_refuses_an_unknown_partner(db):
    with pytest.raises(CommandError, match="--partner: no partner"):
        run("--as-of", "2026-01-20", "--partner", "NOBODY")
