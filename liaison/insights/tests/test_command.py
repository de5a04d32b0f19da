"""`liaison scorecards` in its three formats."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from liaison.factories import LocationFactory, PartnerFactory
from liaison.insights.documents import CHANNEL_FIELDS, PARTNER_FIELDS
from liaison.insights.tests.history import episode, payment, referral, spend, touchpoint, visits

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    partner = PartnerFactory(external_id="DR-1", first_name="Ada", last_name="Lovelace")
    PartnerFactory(external_id="DR-2", stage="prospect")
    ref = referral(partner, "2026-01-05")
    ep = episode(ref, started="2026-01-07", ended="2026-02-20", planned=4)
    visits(ep, "2026-01-07", "2026-01-14", "2026-01-21")
    payment(ref.patient, "2026-01-07", "1234.5", ep)
    touchpoint(partner, "2026-01-20", cost="45.5")
    spend("referral", "2026-02-01", "200.00")
    return partner


def run(*args) -> str:
    out = io.StringIO()
    call_command("scorecards", "--as-of", "2026-03-31", *args, stdout=out)
    return out.getvalue()


def test_json_is_one_object_as_the_metrics_say(history):
    document = json.loads(run("--format", "json"))
    assert list(document) == ["as_of", "window_days", "partners", "channels", "response"]
    assert (document["as_of"], document["window_days"]) == ("2026-03-31", 365)
    first = document["partners"][0]
    assert list(first) == PARTNER_FIELDS
    assert first["partner_id"] == "DR-1" and first["name"] == "Ada Lovelace, MD"
    assert first["revenue"] == "1234.50"
    assert isinstance(first["referrals"], int) and isinstance(first["compliance_rate"], float)
    assert first["compliance_rate"] == 0.75
    assert first["last_referral_on"] == "2026-01-05"
    prospect = document["partners"][1]
    assert prospect["conversion_rate"] is None and prospect["trend"] == "none"
    referred = document["channels"][0]
    assert list(referred) == CHANNEL_FIELDS
    assert referred["channel"] == "referral" and referred["ltv_24m"] is None
    assert (referred["spend"], referred["cost_per_new_patient"]) == ("245.50", "245.50")
    assert referred["ltv_to_cac"] is None  # nobody with a full first year
    assert set(document["response"]["on_time_rate"]) == {
        "initial",
        "progress",
        "discharge",
        "redirect",
        "alert",
        "all",
    }


def test_csv_has_one_row_per_partner(history):
    rows = list(csv.DictReader(io.StringIO(run("--format", "csv"))))
    assert [r["partner_id"] for r in rows] == ["DR-1", "DR-2"]
    assert rows[0]["revenue"] == "1234.50" and rows[1]["conversion_rate"] == ""
    assert rows[0]["needs_reconnect"] == "false"


def test_csv_of_the_channels(history):
    rows = list(csv.DictReader(io.StringIO(run("--format", "csv", "--rows", "channels"))))
    assert list(rows[0]) == CHANNEL_FIELDS
    assert (rows[0]["channel"], rows[0]["new_patients"], rows[0]["spend"]) == (
        "referral",
        "1",
        "245.50",
    )
    assert rows[0]["ltv_12m"] == "" and rows[0]["ltv_to_cac"] == ""


def test_table_reads_in_a_terminal(history):
    text = run("--format", "table", "--window-days", "120")
    assert "window 120 days" in text
    assert "Ada Lovelace" in text and "1234.50" in text
    assert "Reports on time" in text
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("Channel"))
    assert header.split() == [
        "Channel",
        "New",
        "LTV",
        "12m",
        "LTV",
        "24m",
        "Spend",
        "Per",
        "new",
        "LTV:CAC",
        "Return",
        "Compl",
    ]
    referred = next(line for line in lines if line.startswith("referral "))
    assert referred.split()[:5] == ["referral", "1", "—", "—", "245.50"]


def test_location_by_practice_id(history):
    LocationFactory(external_id="HILL")
    document = json.loads(run("--format", "json", "--location", "HILL"))
    assert document["partners"][0]["referrals"] == 0


@pytest.mark.parametrize(
    "args",
    [["--location", "nowhere"], ["--window-days", "0"]],
)
def test_bad_arguments_are_refused(db, args):
    with pytest.raises(CommandError):
        run(*args)


def test_a_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="--as-of"):
        call_command("scorecards", "--as-of", "2026-02-30", stdout=io.StringIO())
