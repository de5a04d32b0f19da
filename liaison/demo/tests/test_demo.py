import datetime as dt
import hashlib
import math
from collections import defaultdict
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q, Sum

from liaison import demo
from liaison.accounts.models import Location, Role, User
from liaison.care.instruments import INSTRUMENTS
from liaison.care.models import (
    Channel,
    Episode,
    MarketingSpend,
    Outcome,
    Patient,
    Payer,
    Payment,
    Referral,
    Visit,
)
from liaison.core.dates import add_business_days
from liaison.core.npi import is_valid_npi
from liaison.demo.places import ZIPS
from liaison.partners.models import Partner, Touchpoint
from liaison.partners.specialties import specialty_for_taxonomy
from liaison.reports.models import Report

AS_OF = dt.date(2026, 5, 14)


@pytest.fixture(scope="class")
def history(django_db_setup, django_db_blocker):
    """One small demo shared by a class of read-only tests, rolled back after the class."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield demo.seed_demo(scale="small", seed=1, today=AS_OF)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def seeded(history, db):
    # Each test runs in a savepoint inside the class's transaction.
    return history


def _digest() -> str:
    """A fingerprint of what a user would see: codes, practice ids and the key fields."""
    rows = [
        Partner.objects.values_list(
            "code",
            "external_id",
            "npi",
            "last_name",
            "organization_name",
            "stage",
            "zip",
            "specialty_id",
        ),
        Patient.objects.values_list(
            "code",
            "external_id",
            "first_name",
            "birth_date",
            "channel",
            "source_partner__external_id",
            "created_on",
        ),
        Referral.objects.values_list(
            "code",
            "external_id",
            "partner__external_id",
            "received_on",
            "decision",
            "decline_reason",
        ),
        Episode.objects.values_list(
            "code",
            "external_id",
            "started_on",
            "ended_on",
            "discharge_reason",
            "clinician_name",
            "clinician__username",
            "payer",
        ),
        Visit.objects.values_list("code", "external_id", "visit_on", "status"),
        Outcome.objects.values_list("code", "external_id", "instrument", "score"),
        Payment.objects.values_list("code", "external_id", "paid_on", "amount"),
        Report.objects.values_list("code", "external_id", "kind", "due_on", "sent_on"),
        Touchpoint.objects.values_list("code", "external_id", "occurred_on", "cost"),
        MarketingSpend.objects.values_list(
            "code", "external_id", "channel", "spent_on", "amount", "location__external_id"
        ),
    ]
    digest = hashlib.sha256()
    for queryset in rows:
        for row in queryset.order_by("external_id"):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def _seeded_digest(seed: int) -> str:
    with transaction.atomic():
        demo.seed_demo(scale="tiny", seed=seed, today=AS_OF)
        digest = _digest()
        transaction.set_rollback(True)
    return digest


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_records_and_another_seed_differs():
    first = _seeded_digest(1)
    assert _seeded_digest(1) == first
    assert _seeded_digest(2) != first


def _poisson_cdf(k: int, mean: float) -> float:
    if k < 0:
        return 0.0
    return sum(math.exp(-mean) * mean**i / math.factorial(i) for i in range(k + 1))


def _trend(days: list[dt.date], as_of: dt.date) -> str:
    """METRICS.md's partner trend, counted straight from referral dates."""
    if not days:
        return "none"
    if min(days) > as_of - dt.timedelta(days=90):
        return "new"
    if max(days) <= as_of - dt.timedelta(days=180):
        return "dormant"
    recent = sum(1 for d in days if (as_of - d).days < 90)
    baseline = sum(1 for d in days if 90 <= (as_of - d).days < 455)
    expected = baseline * 90 / 365
    if _poisson_cdf(recent, expected) < 0.05 and recent <= 0.7 * expected:
        return "declining"
    if 1 - _poisson_cdf(recent - 1, expected) < 0.05 and recent >= 1.3 * expected:
        return "growing"
    return "steady"


def _improvement(episode) -> tuple[float, float] | None:
    scores = list(
        episode.outcomes.filter(instrument=episode.primary_measure)
        .order_by("measured_on", "id")
        .values_list("measured_on", "score")
    )
    if len(scores) < 2 or (scores[-1][0] - scores[0][0]).days < 28:
        return None
    spec = INSTRUMENTS[episode.primary_measure]
    return float(spec.improvement(scores[0][1], scores[-1][1])), float(spec.mcid)


@pytest.mark.usefixtures("seeded")
class TestTheSmallDemo:
    """What a user of the small demo finds in it."""

    def test_seeding_again_is_refused_and_changes_nothing(self):
        patients = Patient.objects.count()
        with pytest.raises(CommandError, match="not empty"):
            call_command("seed_demo", "--as-of", AS_OF.isoformat(), stdout=StringIO())
        out = StringIO()
        call_command("seed_demo", "--if-empty", stdout=out)  # what `make run` does
        assert "no demo loaded" in out.getvalue()
        assert Patient.objects.count() == patients

    def test_the_demo_logins_are_listed_until_their_password_changes(self):
        assert demo.demo_logins() == [
            ("manager", Role.MANAGER),
            ("frontdesk", Role.FRONT_DESK),
            ("clinician", Role.CLINICIAN),
            ("liaison", Role.LIAISON),
        ]
        manager = User.objects.get(username="manager")
        manager.set_password("a-password-of-her-own")
        manager.save()
        assert [name for name, _ in demo.demo_logins()] == ["frontdesk", "clinician", "liaison"]

    def test_the_small_demo_has_the_promised_size(self):
        assert Location.objects.count() == 1
        assert Partner.objects.count() == 150
        assert 1_800 <= Patient.objects.count() <= 2_200
        assert Visit.objects.count() > 15_000
        first = Patient.objects.aggregate(first=Min("created_on"))["first"]
        assert (AS_OF - first).days >= 700  # two years of history

    def test_every_channel_is_present_and_only_referred_patients_have_a_source(self):
        channels = set(Patient.objects.values_list("channel", flat=True))
        assert channels == set(Channel.values)
        referred = Patient.objects.filter(channel=Channel.REFERRAL)
        assert not referred.filter(source_partner=None).exists()
        assert (
            not Patient.objects.exclude(channel=Channel.REFERRAL)
            .exclude(source_partner=None)
            .exists()
        )
        # The referring partner of a referred patient's referral is the patient's source.
        mismatched = Referral.objects.filter(patient__channel=Channel.REFERRAL).exclude(
            partner=F("patient__source_partner")
        )
        assert not mismatched.exists()

    def test_partners_show_every_trend_a_liaison_watches_for(self):
        days = defaultdict(list)
        for partner_id, received in Referral.objects.values_list("partner_id", "received_on"):
            days[partner_id].append(received)
        trends = defaultdict(int)
        for partner_id in Partner.objects.values_list("id", flat=True):
            trends[_trend(days[partner_id], AS_OF)] += 1
        assert trends["declining"] >= 1
        assert trends["dormant"] >= 3
        assert trends["new"] >= 3
        assert trends["growing"] >= 1
        assert trends["none"] >= 20  # prospects who never referred
        assert trends["steady"] > trends["declining"]

    def test_a_few_partners_send_most_referrals(self):
        referring = Partner.objects.annotate(n=Count("referrals")).filter(n__gt=0)
        counts = sorted(referring.values_list("n", flat=True), reverse=True)
        top_fifth = counts[: len(counts) // 5]
        assert sum(top_fifth) > 0.5 * sum(counts)

    def test_referrals_include_redirects_other_declines_and_patients_never_seen(self):
        declined = Referral.objects.filter(decision="declined")
        not_appropriate = declined.filter(decline_reason="not_appropriate")
        assert not_appropriate.count() >= 5
        assert not not_appropriate.filter(alternative="").exists()
        assert not not_appropriate.filter(decline_note="").exists()
        other_reasons = set(
            declined.exclude(decline_reason="not_appropriate").values_list(
                "decline_reason", flat=True
            )
        )
        assert {"patient_declined", "insurance", "could_not_contact"} <= other_reasons
        long_ago = AS_OF - dt.timedelta(days=60)
        never_seen = Referral.objects.filter(decision="accepted", received_on__lt=long_ago)
        never_seen = never_seen.exclude(episodes__visits__status="attended")
        assert never_seen.exists()
        for referral in not_appropriate[:20]:
            redirect = referral.reports.get(kind="redirect")
            assert redirect.due_on == add_business_days(referral.decided_on, 1)

    def test_episodes_include_patients_who_stop_coming_and_returning_patients(self):
        stopped = Episode.objects.filter(discharge_reason="self_discharged").annotate(
            attended=Count("visits", filter=Q(visits__status="attended"))
        )
        assert stopped.filter(attended__lte=4).count() >= 10
        assert set(
            Episode.objects.exclude(discharge_reason=None).values_list(
                "discharge_reason", flat=True
            )
        ) >= {"goals_met", "plateau", "self_discharged"}
        returning = 0
        for patient in Patient.objects.annotate(n=Count("episodes")).filter(n__gte=2):
            starts = sorted(patient.episodes.values_list("started_on", flat=True))
            returning += (starts[1] - starts[0]).days >= 365
        assert returning >= 10
        assert Episode.objects.filter(planned_visits=0).exists()
        assert Episode.objects.filter(planned_visits=None).exists()

    def test_some_open_episodes_are_not_responding_or_worsening(self):
        open_episodes = Episode.objects.open_on(AS_OF).exclude(primary_measure=None)
        not_responding = worsening = 0
        for episode in open_episodes:
            found = _improvement(episode)
            if found:
                improvement, mcid = found
                not_responding += improvement < mcid
                worsening += improvement <= -mcid
        assert not_responding >= 5
        assert worsening >= 1

    def test_scores_lie_on_each_instrument_scale_and_match_the_complaint(self):
        for code, spec in INSTRUMENTS.items():
            scores = Outcome.objects.filter(instrument=code)
            assert not scores.filter(Q(score__lt=spec.minimum) | Q(score__gt=spec.maximum)).exists()
        measures = set(Episode.objects.values_list("primary_measure", flat=True))
        assert {"ODI", "NDI", "QuickDASH", "LEFS", "PSFS", "NPRS", None} <= measures

    def test_payments_include_refunds_and_payments_outside_an_episode(self):
        assert Payment.objects.filter(amount__lt=0).count() >= 5
        assert Payment.objects.filter(episode=None).count() >= 5
        assert not Payment.objects.filter(paid_on__gt=AS_OF).exists()

    def test_reports_are_sent_on_time_late_and_not_at_all(self):
        reports = Report.objects.all()
        assert reports.filter(sent_on__lte=F("due_on")).count() > 100
        assert reports.filter(sent_on__gt=F("due_on")).count() >= 20
        assert reports.filter(sent_on=None, due_on__lt=AS_OF).count() >= 5
        assert not reports.filter(sent_on__gt=AS_OF).exists()
        assert set(reports.values_list("kind", flat=True)) == {
            "initial",
            "progress",
            "discharge",
            "redirect",
            "alert",
        }

    def test_reports_are_due_by_the_communication_rules(self):
        first_visits = dict(
            Visit.objects.filter(status="attended")
            .values("episode_id")
            .annotate(first=Min("visit_on"))
            .values_list("episode_id", "first")
        )
        for report in Report.objects.filter(kind="initial").order_by("id")[:200]:
            assert report.due_on == add_business_days(first_visits[report.episode_id], 2)
        for report in Report.objects.filter(kind="discharge").select_related("episode")[:200]:
            assert report.due_on == add_business_days(report.episode.ended_on, 3)
        for report in Report.objects.filter(kind="progress")[:200]:
            assert (report.due_on - first_visits[report.episode_id]).days % 30 == 0

    def test_partners_have_valid_npis_matching_taxonomies_and_real_zips(self):
        people = Partner.objects.filter(kind="person").exclude(specialty="attorney")
        assert all(is_valid_npi(npi) for npi in people.values_list("npi", flat=True))
        for code, specialty in Partner.objects.exclude(taxonomy_code="").values_list(
            "taxonomy_code", "specialty_id"
        ):
            assert specialty_for_taxonomy(code) == specialty
        zips = set(Partner.objects.values_list("zip", flat=True)) | set(
            Patient.objects.values_list("zip", flat=True)
        )
        assert zips <= set(ZIPS)
        assert Partner.objects.filter(kind="organization").count() >= 10
        assert Partner.objects.exclude(works_at=None).exists()
        assert Partner.objects.exclude(introduced_by=None).exists()
        assert set(Partner.objects.values_list("stage", flat=True)) == {
            "prospect",
            "contacted",
            "meeting",
            "partner",
            "lost",
        }
        assert Touchpoint.objects.exclude(cost=None).exists()

    def test_every_episode_names_who_pays(self):
        payers = dict(Episode.objects.values_list("payer").annotate(n=Count("id")))
        assert set(payers) == set(Payer.values)
        assert max(payers, key=payers.get) == "commercial"

    def test_lunches_events_and_some_office_visits_cost_a_few_dollars_to_150(self):
        costs = Touchpoint.objects.exclude(cost=None)
        assert set(costs.values_list("kind", flat=True)) == {"lunch", "event", "office_visit"}
        bounds = costs.aggregate(low=Min("cost"), high=Max("cost"))
        assert bounds["low"] >= 5 and bounds["high"] <= 150

    def test_marketing_spend_is_monthly_per_channel_some_of_it_per_location(self):
        spend = MarketingSpend.objects.all()
        assert set(spend.values_list("channel", flat=True)) == set(Channel.values) - {
            "referral",
            "self",
        }
        assert spend.filter(location=None).exists()
        assert spend.filter(location__external_id="L01").exists()
        search_months = spend.filter(channel="web_search").values_list("spent_on", flat=True)
        assert len(set(search_months)) == 24 and {d.day for d in search_months} == {1}
        assert not spend.filter(spent_on__gt=AS_OF).exists()

    def test_search_ads_cost_a_plausible_amount_per_new_patient(self):
        year_ago = AS_OF - dt.timedelta(days=365)
        spent = MarketingSpend.objects.filter(
            channel="web_search", spent_on__gt=year_ago
        ).aggregate(total=Sum("amount"))["total"]
        won = Patient.objects.filter(channel="web_search", created_on__gt=year_ago).count()
        assert 80 <= spent / won <= 250

    def test_episode_clinicians_are_demo_clinician_users(self):
        clinicians = {u.get_full_name() for u in User.objects.filter(groups__name=Role.CLINICIAN)}
        assert set(Episode.objects.values_list("clinician_name", flat=True)) <= clinicians
        assert not Episode.objects.filter(clinician__isnull=True).exists()
        assert "Maya Okafor" in clinicians

    @pytest.mark.parametrize(
        "username, role",
        [
            ("manager", Role.MANAGER),
            ("frontdesk", Role.FRONT_DESK),
            ("clinician", Role.CLINICIAN),
            ("liaison", Role.LIAISON),
        ],
    )
    def test_demo_users_log_in_with_the_demo_password_and_hold_their_role(
        self, client, username, role
    ):
        assert client.login(username=username, password=demo.DEMO_PASSWORD)
        user = User.objects.get(username=username)
        assert user.role == role
        first = Location.objects.get(external_id="L01")
        assert first in user.locations.all()
        assert user.is_staff == (role == Role.MANAGER)


def test_seed_demo_refuses_a_database_with_data_unless_told_to_flush(db):
    Location.objects.create(name="A clinic set up by hand")
    with pytest.raises(CommandError, match="not empty.*--flush"):
        call_command("seed_demo", "--as-of", AS_OF.isoformat(), stdout=StringIO())
    assert not Partner.objects.exists()
    out = StringIO()
    try:
        call_command("seed_demo", "--flush", "--as-of", AS_OF.isoformat(), stdout=out)
    finally:
        # flush recreates content types with new ids; forget the cached ones.
        ContentType.objects.clear_cache()
    assert not Location.objects.filter(name="A clinic set up by hand").exists()
    assert Partner.objects.count() == 150
    assert "Seeded the small demo" in out.getvalue()
    assert demo.DEMO_PASSWORD in out.getvalue()


@pytest.mark.django_db
def test_demo_credentials_prints_the_logins_that_still_work():
    from liaison.factories import UserFactory

    UserFactory(username="manager", role="manager", password=demo.DEMO_PASSWORD)
    UserFactory(username="frontdesk", role="front_desk", password="changed-by-the-practice")
    out = StringIO()
    call_command("demo_credentials", port=8123, stdout=out)
    printed = out.getvalue()
    assert "http://127.0.0.1:8123/" in printed and demo.DEMO_PASSWORD in printed
    assert "manager" in printed and "frontdesk" not in printed
