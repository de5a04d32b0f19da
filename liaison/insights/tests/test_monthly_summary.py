"""The owner's monthly summary: `liaison monthly_summary` and the Monthly PDF button."""

import io
import json
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from conftest import client_for
from liaison.factories import PartnerFactory
from liaison.insights.pages.monthly import (
    LONGEST_LIST,
    Month,
    cut,
    monthly_summary,
    summary_pdf,
)
from liaison.insights.tests.history import episode, payment, referral, spend, touchpoint, visits

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    ada = PartnerFactory(external_id="DR-1", first_name="Ada", last_name="Lovelace")
    grace = PartnerFactory(external_id="DR-2", first_name="Grace", last_name="Hopper")
    for received in ("2026-03-03", "2026-03-10", "2026-03-24", "2025-03-05"):
        ref = referral(ada, received)
        ep = episode(ref, started=received, ended=None)
        visits(ep, received)
        payment(ref.patient, received, "150.00", ep)
    referral(grace, "2026-03-12")
    referral(grace, "2025-03-20")
    referral(grace, "2025-03-21")
    return ada, grace


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def scorecards(as_of: str, window_days: int) -> dict:
    out = io.StringIO()
    call_command(
        "scorecards",
        "--as-of",
        as_of,
        "--window-days",
        str(window_days),
        "--format",
        "json",
        stdout=out,
    )
    return json.loads(out.getvalue())


def month_row(text: str, label: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(label))
    return line.removeprefix(label).split()


def test_the_command_writes_a_pdf_with_the_engines_figures(history, tmp_path):
    target = tmp_path / "march.pdf"
    out = io.StringIO()
    call_command("monthly_summary", "--month", "2026-03", "--output", str(target), stdout=out)
    assert "Wrote" in out.getvalue() and "March 2026" in out.getvalue()
    text = pdf_text(target.read_bytes())
    now, then = scorecards("2026-03-31", 31), scorecards("2025-03-31", 31)
    referrals = [sum(p["referrals"] for p in doc["partners"]) for doc in (now, then)]
    assert referrals == [4, 3]
    assert month_row(text, "Referrals received") == [str(n) for n in referrals]
    new = [sum(c["new_patients"] for c in doc["channels"]) for doc in (now, then)]
    assert month_row(text, "New patients ")[:2] == [str(n) for n in new]
    assert "Referral summary — March 2026" in text
    assert "Ada Lovelace" in text and "Grace Hopper" in text
    year = scorecards("2026-03-31", 365)
    top = max(year["partners"], key=lambda p: p["referrals"])
    assert top["name"].split(",")[0] in text


def test_the_summary_sets_each_channels_spend_against_its_new_patients(history, tmp_path):
    spend("referral", "2025-12-01", "300.00")
    target = tmp_path / "march.pdf"
    call_command(
        "monthly_summary", "--month", "2026-03", "--output", str(target), stdout=io.StringIO()
    )
    text = pdf_text(target.read_bytes())
    assert "What each channel brings and costs" in text
    # Three referred patients first seen in the 12 months; the one of March 2025 is in the
    # 12-month cohort and paid 150.00: $300.00 ÷ 3 = $100.00 each, 1.5× back. The summary
    # prints whole dollars, as the pages' headline figures do.
    assert month_row(text, "Referral from a partner") == ["3", "$150", "$300", "$100", "1.5×"]


def test_the_summary_ranks_by_value_only_partners_who_referred_in_the_year(history):
    """As the overview does: revenue from an older referral's episode does not put a partner
    who sent nobody this year at the top."""
    linus = PartnerFactory(external_id="DR-3", first_name="Linus", last_name="Torvalds")
    ref = referral(linus, "2024-12-01")  # before the year that ends with March 2026
    ep = episode(ref, started="2024-12-01", ended=None)
    visits(ep, "2024-12-01")
    payment(ref.patient, "2026-03-02", "900.00", ep)
    top = monthly_summary(Month(2026, 3))["top_by_value"]
    assert [c.partner_id for c in top] == ["DR-1", "DR-2"]


def test_a_bad_month_names_the_argument(history, tmp_path):
    for bad in ("2026-13", "March", "2026-3"):
        with pytest.raises(CommandError, match="--month"):
            call_command("monthly_summary", "--month", bad, "--output", str(tmp_path / "x.pdf"))


def test_the_last_complete_month():
    assert str(Month.last_complete(Month(2026, 3).last_day)) == "2026-03"
    assert str(Month(2026, 4).before()) == "2026-03"
    assert str(Month.parse("2026-01").before()) == "2025-12"


def test_a_long_list_is_cut_and_says_how_many_more():
    long = cut(list(range(LONGEST_LIST + 3)))
    assert (len(long.items), long.more) == (LONGEST_LIST, 3)
    assert cut([1, 2]).more == 0


@pytest.mark.parametrize(
    "who, status", [("owner", 200), ("liaison_user", 200), ("clinician", 403), ("front_desk", 403)]
)
def test_the_button_gives_managers_and_the_liaison_the_pdf(history, client, request, who, status):
    client = client_for(client, request.getfixturevalue(who))
    response = client.get(reverse("insights-monthly-pdf"), {"month": "2026-03"})
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert "Referral summary — March 2026" in pdf_text(response.content)


def test_the_button_asks_anonymous_users_to_log_in(client):
    response = client.get(reverse("insights-monthly-pdf"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_bad_month_in_the_address_is_a_clear_400(owner, client):
    response = client_for(client, owner).get(reverse("insights-monthly-pdf"), {"month": "13"})
    assert response.status_code == 400 and b"month" in response.content


def test_the_insights_tabs_offer_the_pdf(owner, client):
    page = client_for(client, owner).get(reverse("insights-overview"))
    assert reverse("insights-monthly-pdf").encode() in page.content


def test_the_pdf_reads_like_the_pages_labels_dollars_and_days(history):
    ada, _ = history
    ada_episode = ada.referrals.get(received_on="2026-03-03").episodes.get()
    payment(ada_episode.patient, "2026-03-20", "2400.00", ada_episode)
    lin = PartnerFactory(
        external_id="DR-4", first_name="Lin", last_name="Ng", specialty_id="sports_medicine"
    )
    for received in ("2025-02-03", "2025-05-06", "2025-08-04"):
        referral(lin, received)
    touchpoint(lin, "2025-09-01")
    text = " ".join(pdf_text(summary_pdf(monthly_summary(Month(2026, 3)))).split())

    value = scorecards("2026-03-31", 365)["partners"]
    value = Decimal(next(p["value_score"] for p in value if p["partner_id"] == "DR-1"))
    dollars = f"${value.quantize(Decimal(1), ROUND_HALF_UP):,}"
    assert value > 1000 and "," in dollars
    assert f"Ada Lovelace, MD Primary care {dollars} 3" in text
    assert "As of 31 Mar 2026" in text
    assert "Lin Ng, MD Dormant 0" in text and "4 Aug 2025 1 Sep 2025" in text
    assert "Reports owed and sent on time — Initial report" in text
    assert "New patients — Referral from a partner" in text
    for raw in (
        "primary_care",
        "sports_medicine",
        "2026-03-31",
        "2025-08-04",
        " dormant 0",
        "— initial",
        "— all ",
    ):
        assert raw not in text, raw
    assert not re.search(r"\$?\d+\.\d{2}\b", text), "money with raw cents"
