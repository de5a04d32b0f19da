"""Marketing spend: a manager's page to enter, correct and download it; the channels' figures
follow at once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import client_for
from liaison.care import services
from liaison.care.models import Channel, MarketingSpend
from liaison.insights.tests.page_checks import csv_lines, queries_of

pytestmark = pytest.mark.django_db

LIST = reverse("care-marketing-spend-list")
NEW = reverse("care-marketing-spend-new")
EXPORT = reverse("care-marketing-spend-export")


def add(channel=Channel.SOCIAL, on="2026-02-01", amount="1200.00", location=None, what=""):
    return services.marketing_spend_create(
        details=services.SpendDetails(
            channel=channel,
            spent_on=dt.date.fromisoformat(on),
            amount=Decimal(amount),
            location=location,
            description=what,
        ),
        by=None,
    )


def form(**changes) -> dict:
    return {
        "spent_on": "2026-02-01",
        "channel": "social",
        "amount": "1200.00",
        "location": "",
        "description": "Spring campaign",
        **changes,
    }


@pytest.fixture
def row(location_a):
    return add(location=location_a, what="Search ads, January")


@pytest.mark.parametrize("url", [LIST, NEW, EXPORT])
@pytest.mark.parametrize(
    "user, status",
    [
        ("owner", 200),
        ("liaison_user", 403),
        ("clinician", 403),
        ("front_desk", 403),
        ("outsider", 403),
    ],
)
def test_only_a_manager_opens_the_spend_pages(request, client, url, user, status):
    assert client_for(client, request.getfixturevalue(user)).get(url).status_code == status


def test_the_anonymous_log_in_first(client, db):
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("user", ["liaison_user", "clinician", "front_desk"])
def test_other_roles_can_neither_edit_nor_delete(request, client, row, user):
    client_for(client, request.getfixturevalue(user))
    edit = reverse("care-marketing-spend-edit", args=[row.code])
    assert client.post(edit, form(amount="1.00")).status_code == 403
    delete = reverse("care-marketing-spend-delete", args=[row.code])
    assert client.post(delete).status_code == 403
    row.refresh_from_db()
    assert row.amount == Decimal("1200.00")


def test_a_manager_adds_spend_and_sees_it_listed(client, owner, location_a):
    client_for(client, owner)
    response = client.post(NEW, form(location=str(location_a.code)), follow=True)
    assert response.redirect_chain[-1][0] == LIST
    page = response.content.decode()
    assert "Saved: Social media, $1,200.00 on Feb 1, 2026." in page
    assert "Spring campaign" in page and "Riverside Clinic" in page
    saved = MarketingSpend.objects.get()
    assert (saved.channel, saved.amount, saved.location) == (
        "social",
        Decimal("1200.00"),
        location_a,
    )


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"amount": "-5.00"}, "amount", "Amount: spend cannot be negative"),
        ({"amount": "12.345"}, "amount", "Amount: dollars and cents, at most two decimals."),
        ({"amount": "lots"}, "amount", "Amount: enter a number of dollars"),
        ({"channel": "billboards"}, "channel", "Channel: “billboards” is not one of the channels."),
        ({"spent_on": "2026-02-30"}, "spent_on", "Date spent: enter a real date"),
        ({"spent_on": ""}, "spent_on", "Date spent: enter the day the money was spent."),
        ({"location": "no-such-place"}, "location", "Location: choose one of the practice"),
        ({"location": "00000000-0000-0000-0000-000000000000"}, "location", "Location: choose"),
    ],
)
def test_bad_input_re_renders_the_form_naming_the_field(client, owner, changes, field, message):
    response = client_for(client, owner).post(NEW, form(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not MarketingSpend.objects.exists()


def test_a_manager_corrects_a_row(client, owner, row):
    edit = reverse("care-marketing-spend-edit", args=[row.code])
    client_for(client, owner)
    page = client.get(edit).content.decode()
    assert 'value="1200.00"' in page and "Search ads, January" in page
    response = client.post(edit, form(amount="950.50", channel="web_search"))
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.channel, row.amount, row.location) == ("web_search", Decimal("950.50"), None)


def test_a_correction_with_errors_stays_on_the_row(client, owner, row):
    edit = reverse("care-marketing-spend-edit", args=[row.code])
    response = client_for(client, owner).post(edit, form(amount="-1"))
    assert response.status_code == 400
    assert reverse("care-marketing-spend-delete", args=[row.code]) in response.content.decode()


def test_a_manager_deletes_a_row_by_post_only(client, owner, row):
    delete = reverse("care-marketing-spend-delete", args=[row.code])
    client_for(client, owner)
    assert client.get(delete).status_code == 405
    response = client.post(delete, follow=True)
    assert "Deleted: Social media, $1,200.00 on Feb 1, 2026." in response.content.decode()
    assert not MarketingSpend.objects.exists()


def test_an_unknown_row_is_not_found(client, owner):
    missing = "00000000-0000-0000-0000-000000000000"
    assert (
        client_for(client, owner)
        .get(reverse("care-marketing-spend-edit", args=[missing]))
        .status_code
        == 404
    )


@pytest.fixture
def rows(location_b):
    add(Channel.SOCIAL, "2025-03-01", "100.10")
    add(Channel.SOCIAL, "2026-01-15", "200.20", location_b, what="Hillcrest flyers")
    add(Channel.EVENT, "2026-02-20", "0.30")


def test_the_list_filters_by_channel_and_year_with_their_total(client, owner, rows):
    client_for(client, owner)
    page = client.get(LIST).content.decode()
    assert "3 rows" in page and "$300.60" in page
    page = client.get(LIST, {"channel": "social"}).content.decode()
    assert "2 rows" in page and "$300.30" in page
    page = client.get(LIST, {"channel": "social", "year": "2026"}).content.decode()
    assert "1 row," in page and "$200.20" in page and "Hillcrest flyers" in page


def test_a_bad_filter_is_named_and_ignored(client, owner, rows):
    response = client_for(client, owner).get(LIST, {"year": "last"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Year: enter a year such as 2026." in page and "3 rows" in page


def test_the_csv_holds_the_filtered_rows(client, owner, rows):
    lines = csv_lines(client_for(client, owner).get(EXPORT, {"year": "2026"}))
    assert lines[0] == "spent_on,channel,location,amount_usd,description"
    assert lines[1:] == [
        "2026-02-20,Event,,0.30,",
        "2026-01-15,Social media,Hillcrest Clinic,200.20,Hillcrest flyers",
    ]


def test_the_list_pages_and_its_queries_do_not_grow(client, owner, rows):
    client_for(client, owner)
    before = queries_of(client, LIST, {})
    for n in range(60):
        add(Channel.OTHER, "2026-03-01", f"{n}.00")
    assert queries_of(client, LIST, {}) == before
    page = client.get(LIST, {"page": 2}).content.decode()
    assert "Rows 51–63 of 63" in page


def test_the_empty_list_says_what_to_do(client, owner):
    page = client_for(client, owner).get(LIST).content.decode()
    assert "No spend entered yet" in page and NEW in page


@pytest.mark.parametrize(
    "details, message",
    [
        ({"amount": Decimal("-0.01")}, "Amount: spend is zero or more"),
        ({"amount": Decimal("1.005")}, "Amount: dollars and cents"),
        ({"channel": "billboards"}, "Channel: 'billboards' is not one of the channels."),
    ],
)
def test_the_service_refuses_what_the_form_would(details, message):
    fields = {
        "channel": Channel.SOCIAL,
        "spent_on": dt.date(2026, 1, 1),
        "amount": Decimal("1"),
        **details,
    }
    with pytest.raises(services.CareError, match=message):
        services.marketing_spend_create(details=services.SpendDetails(**fields), by=None)
    assert not MarketingSpend.objects.exists()
