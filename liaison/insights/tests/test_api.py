"""The insights API: who may call it, what it answers, and that no patient is named in it."""

import json

import pytest

from liaison.accounts.access import Audience
from liaison.accounts.models import AuditEvent
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

ENDPOINTS = [
    "scorecards",
    "channels",
    "response",
    "gaps",
    "not-responding",
    "not-responding/by-partner",
]
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


def operations() -> list[tuple[str, str]]:
    """Every GET operation of the OpenAPI description, with the audience it declares."""
    from liaison.api import api

    paths = api.get_openapi_schema()["paths"]
    return [(path, op.get("x-audience")) for path, ops in paths.items() for op in ops.values()]


CAST = ["owner", "clinician", "front_desk", "liaison_user", "outsider"]
ALLOWED = {
    Audience.PARTNER: {"owner", "liaison_user"},
    Audience.CLINICAL: {"owner", "clinician"},
}


def test_every_endpoint_declares_its_audience():
    assert operations() and all(audience in ALLOWED for _, audience in operations())


@pytest.mark.parametrize("user", CAST)
def test_every_endpoint_answers_each_role_as_designed(client, request, history, user):
    client.force_login(request.getfixturevalue(user))
    for path, audience in operations():
        response = client.get(path + AS_OF)
        if user in ALLOWED[audience]:
            assert response.status_code == 200, (path, user)
            assert (response.json()["as_of"], response.json()["window_days"]) == ("2026-03-31", 365)
        else:
            assert response.status_code == 403, (path, user)
            assert response.json()["detail"] == Audience.REFUSALS[audience]


def test_the_liaison_never_receives_a_patient_level_row(client, liaison_user, history):
    client.force_login(liaison_user)
    episode_code = str(history.episodes.get().code)
    for path, _ in operations():
        text = client.get(path + AS_OF).content.decode()
        assert episode_code not in text and "episode_code" not in text, path
    counts = client.get(url("not-responding/by-partner")).json()["partners"]
    assert counts == [{"partner_id": "DR-1", "not_responding": 1, "worsening": 0}]


def test_a_clinician_sees_only_episodes_of_their_locations_and_each_call_is_audited(
    client, clinician, history, location_b
):
    elsewhere = referral(PartnerFactory(), "2026-01-05", location=location_b)
    ep = episode(elsewhere, started="2026-01-07")
    reading(ep, "2026-01-07", 40)
    reading(ep, "2026-03-01", 41)
    client.force_login(clinician)
    before = AuditEvent.objects.count()
    episodes = client.get(url("not-responding")).json()["episodes"]
    assert [e["episode_code"] for e in episodes] == [str(history.episodes.get().code)]
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.username, event.action, event.object_type) == ("clinician", "view", "episode")
    assert event.detail == "API not-responding list: 1 episodes"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_callers_must_log_in(client, db, endpoint):
    assert client.get(url(endpoint)).status_code == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?as_of=2026-02-30", "as_of"),
        ("?as_of=soon", "as_of"),
        ("?as_of=0", "as_of"),  # a timestamp, not a date
        ("?as_of=0001-01-01", "as_of"),
        ("?as_of=9999-12-31", "as_of"),
        ("?window_days=0", "window_days"),
        ("?window_days=many", "window_days"),
        ("?location=nowhere", "location"),
        ("?location=" + "x" * 500, "location"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(client, owner, query, field):
    client.force_login(owner)
    for path, _ in operations():
        response = client.get(path + query)
        assert response.status_code == 400, path
        assert [error["loc"][-1] for error in response.json()["detail"]] == [field]


def test_scorecards_are_the_commands_json(client, owner, history):
    client.force_login(owner)
    body = client.get(url("scorecards")).json()
    [partner] = body["partners"]
    assert partner["partner_id"] == "DR-1"
    assert (partner["referrals"], partner["seen"], partner["revenue"]) == (1, 1, "80.00")
    assert partner["last_referral_on"] == "2026-01-05"
    assert [c["channel"] for c in body["channels"]] == ["referral"]
    # The seen referral is owed an initial report and two progress reports; none written.
    assert body["response"]["on_time_rate"]["all"] == 0.0
    assert body["response"]["informed_completion_rate"] is None  # no episode ended


def test_location_by_practice_id_or_code(client, owner, history, location_a):
    location_a.external_id = "RIV"
    location_a.save()
    other = LocationFactory()
    client.force_login(owner)
    assert (
        client.get(url("scorecards", "?as_of=2026-03-31&location=RIV")).json()["partners"][0][
            "referrals"
        ]
        == 1
    )
    assert (
        client.get(url("scorecards", f"?as_of=2026-03-31&location={other.code}")).json()[
            "partners"
        ][0]["referrals"]
        == 0
    )


def test_no_patient_is_named_in_any_insights_response(client, owner, history):
    client.force_login(owner)
    patient = history.patient
    for endpoint in ENDPOINTS:
        text = client.get(url(endpoint)).content.decode()
        for secret in [
            "Zebediah",
            "Quixotefield",
            "1961-07-04",
            str(patient.code),
            f'"patient_id": {patient.pk}',
        ]:
            assert secret not in text, (endpoint, secret)
        forbidden = {
            "patient",
            "patient_id",
            "patient_code",
            "first_name",
            "last_name",
            "birth_date",
        }
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
        "channel": "referral",
        "new_patients": 1,
        "ltv_12m": None,
        "ltv_24m": None,
        "spend": "40.00",
        "cost_per_new_patient": "40.00",
        "ltv_to_cac": None,
        "return_rate": None,
        "compliance_rate": None,
    }
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["ChannelOut"]
    assert schema["properties"]["ltv_to_cac"]["anyOf"][0]["type"] == "number"
    assert "ltv_12m ÷ cost_per_new_patient" in schema["properties"]["ltv_to_cac"]["description"]
