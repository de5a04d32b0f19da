"""The insights API: who may call it, what it answers, and that no patient is named in it."""

import json

import pytest

from liaison.factories import LocationFactory, PartnerFactory
from liaison.insights.tests.history import (
    day,
    episode,
    payment,
    reading,
    referral,
    spend,
    visits,
)

pytestmark = pytest.mark.django_db

ENDPOINTS = ["scorecards", "channels", "response", "gaps", "not-responding"]
AS_OF = "?as_of=2026-03-31"


def url(endpoint: str, query: str = AS_OF) -> str:
    return f"/api/v1/insights/{endpoint}{query}"


@pytest.fixture
def history(location_a):
    partner = PartnerFactory(external_id="DR-1")
    ref = referral(partner, "2026-01-05", location=location_a)
    ref.patient.first_name, ref.patient.last_name = "Zebediah", "Quixotefield"
    ref.patient.birth_date = day("1961-07-04")
    ref.patient.save()
    ep = episode(ref, started="2026-01-07")
    visits(ep, "2026-01-07")
    reading(ep, "2026-01-07", 40)
    reading(ep, "2026-03-01", 41)
    payment(ref.patient, "2026-01-07", "80.00", ep)
    return ref


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("user", ["owner", "liaison_user"])
def test_managers_and_liaisons_get_the_figures(client, request, history, endpoint, user):
    client.force_login(request.getfixturevalue(user))
    response = client.get(url(endpoint))
    assert response.status_code == 200
    body = response.json()
    assert (body["as_of"], body["window_days"]) == ("2026-03-31", 365)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("user", ["front_desk", "clinician", "outsider"])
def test_other_roles_are_refused_with_a_reason(client, request, endpoint, user):
    client.force_login(request.getfixturevalue(user))
    response = client.get(url(endpoint))
    assert response.status_code == 403
    assert "managers and the liaison role" in response.json()["detail"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_callers_must_log_in(client, db, endpoint):
    assert client.get(url(endpoint)).status_code == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [("?as_of=2026-02-30", "as_of"), ("?as_of=soon", "as_of"), ("?window_days=0", "window_days"),
     ("?window_days=many", "window_days"), ("?location=nowhere", "location")],
)
def test_bad_parameters_name_the_field(client, owner, query, field):
    client.force_login(owner)
    response = client.get(url("scorecards", query))
    assert response.status_code == 422
    assert [error["loc"][-1] for error in response.json()["detail"]] == [field]


def test_scorecards_are_the_commands_json(client, owner, history):
    client.force_login(owner)
    body = client.get(url("scorecards")).json()
    [partner] = body["partners"]
    assert partner["partner_id"] == "DR-1"
    assert (partner["referrals"], partner["seen"], partner["revenue"]) == (1, 1, "80.00")
    assert partner["last_referral_on"] == "2026-01-05"
    assert [c["channel"] for c in body["channels"]] == ["referral"]
    assert body["response"]["on_time_rate"]["all"] is None


def test_location_by_practice_id_or_code(client, owner, history, location_a):
    location_a.external_id = "RIV"
    location_a.save()
    other = LocationFactory()
    client.force_login(owner)
    assert client.get(url("scorecards", "?as_of=2026-03-31&location=RIV")).json()[
        "partners"][0]["referrals"] == 1
    assert client.get(url("scorecards", f"?as_of=2026-03-31&location={other.code}")).json()[
        "partners"][0]["referrals"] == 0


def test_no_patient_is_named_in_any_insights_response(client, liaison_user, history):
    client.force_login(liaison_user)
    patient = history.patient
    for endpoint in ENDPOINTS:
        text = client.get(url(endpoint)).content.decode()
        for secret in ["Zebediah", "Quixotefield", "1961-07-04", str(patient.code),
                       f'"patient_id": {patient.pk}']:
            assert secret not in text, (endpoint, secret)
        forbidden = {"patient", "patient_id", "patient_code", "first_name", "last_name",
                     "birth_date"}
        assert not forbidden & set(_keys(json.loads(text)))


def _keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def test_the_api_is_described(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["version"] == "1"
    for endpoint in ENDPOINTS:
        operation = schema["paths"][f"/api/v1/insights/{endpoint}"]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert {"as_of", "window_days", "location"} <= names


def test_channels_carry_money_as_text_and_the_ratio_as_a_number(client, owner, history):
    spend("referral", "2026-02-01", "40.00")
    client.force_login(owner)
    [referred] = client.get(url("channels")).json()["channels"]
    assert referred == {
        "channel": "referral", "new_patients": 1, "ltv_12m": None, "ltv_24m": None,
        "spend": "40.00", "cost_per_new_patient": "40.00", "ltv_to_cac": None,
        "return_rate": None, "compliance_rate": None,
    }
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["ChannelOut"]
    assert schema["properties"]["ltv_to_cac"]["anyOf"][0]["type"] == "number"
    assert "ltv_12m ÷ cost_per_new_patient" in schema["properties"]["ltv_to_cac"]["description"]
