from django.db import models

from liaison.care.models import Episode, Patient


class PatientFacts(models.Model):
    """Per-patient facts that do not depend on the as-of date, kept current by database
    triggers (migration 0001) on patients, episodes, visits and payments, so that every
    write path — services, admin, import, raw SQL — keeps them exact. Never written by Python.

    They stand for the full history: the first visit on or before D is `first_visit_on` when
    that is ≤ D (none otherwise), a second episode started by D exists when
    `second_episode_on` ≤ D, and the payments of the first year (two years) after the first
    visit are all dated before D once that visit is at least 365 (730) days old.
    """

    patient = models.OneToOneField(
        Patient, primary_key=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    # Copies of the patient's own columns, so that figures need not join the patient table.
    channel = models.CharField(max_length=24)
    location_id = models.BigIntegerField()
    zip = models.CharField(max_length=10, blank=True)
    first_visit_on = models.DateField(
        null=True, help_text="The earliest attended visit of any of the patient's episodes."
    )
    second_episode_on = models.DateField(
        null=True, help_text="The second-earliest start date of the patient's episodes."
    )
    first_year_cents = models.BigIntegerField(
        default=0, help_text="Payments dated in [first visit, first visit + 364 days]."
    )
    first_two_years_cents = models.BigIntegerField(
        default=0, help_text="Payments dated in [first visit, first visit + 729 days]."
    )

    class Meta:
        verbose_name_plural = "patient facts"
        indexes = [
            # Covers the patients first seen in a range of days, per channel and clinic.
            models.Index(
                fields=[
                    "first_visit_on",
                    "channel",
                    "location_id",
                    "first_year_cents",
                    "first_two_years_cents",
                    "second_episode_on",
                ],
                name="insights_patient_span_idx",
            ),
            # Patients whose second episode started after a date (the channels' return rate).
            models.Index(
                fields=["second_episode_on", "first_visit_on", "channel", "location_id"],
                name="insights_patient_second_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Facts of patient {self.patient_id}"


class EpisodeFacts(models.Model):
    """Per-episode facts over the whole history, kept current by database triggers (see
    `liaison/insights/facts.py`): attended visits, the primary instrument's readings and the
    payments.

    As of a date D they hold when nothing they count is dated after D — always so for the
    current date; otherwise the figures count the records again (docs/metrics.md).
    """

    episode = models.OneToOneField(
        Episode, primary_key=True, on_delete=models.DO_NOTHING, related_name="insights_facts"
    )
    # Copies of the episode's, its referral's and its patient's columns that the figures group
    # and filter by, so that the closed episodes of a window are read from this table alone.
    referral_id = models.BigIntegerField(null=True)
    ended_on = models.DateField(null=True)
    planned_visits = models.IntegerField(null=True)
    primary_measure = models.CharField(max_length=10, null=True)
    partner_id = models.BigIntegerField(null=True, help_text="The referring partner, if any.")
    channel = models.CharField(max_length=24, null=True)
    location_id = models.BigIntegerField(null=True)
    attended_visits = models.IntegerField(default=0)
    first_attended_on = models.DateField(null=True)
    last_attended_on = models.DateField(null=True)
    readings = models.IntegerField(
        default=0, help_text="Measurements of the episode's primary instrument."
    )
    first_reading_on = models.DateField(null=True)
    first_reading_id = models.BigIntegerField(null=True)
    first_score_h = models.IntegerField(null=True, help_text="The first score × 100.")
    last_reading_on = models.DateField(null=True)
    last_reading_id = models.BigIntegerField(null=True)
    last_score_h = models.IntegerField(null=True, help_text="The last score × 100.")
    paid_cents = models.BigIntegerField(default=0, help_text="All the episode's payments.")
    first_paid_on = models.DateField(null=True)
    last_paid_on = models.DateField(null=True)

    class Meta:
        verbose_name_plural = "episode facts"
        indexes = [
            # Covers the closed episodes of a window: their sums need no table reads.
            models.Index(
                fields=[
                    "ended_on",
                    "partner_id",
                    "channel",
                    "location_id",
                    "planned_visits",
                    "primary_measure",
                    "attended_visits",
                    "last_attended_on",
                    "readings",
                    "last_reading_on",
                    "first_score_h",
                    "last_score_h",
                ],
                name="insights_episode_closed_idx",
            ),
            # One partner's closed episodes of a window.
            models.Index(fields=["partner_id", "ended_on"], name="insights_episode_partner_idx"),
            # A referral's first visit: the earliest first attended visit of its episodes.
            models.Index(
                fields=["referral_id", "first_attended_on"], name="insights_episode_referral_idx"
            ),
            # Covers the payments of a window on partners' episodes (revenue), in the order
            # of the partners they are summed up by.
            models.Index(
                fields=["partner_id", "last_paid_on", "first_paid_on", "location_id", "paid_cents"],
                condition=models.Q(partner_id__isnull=False),
                name="insights_episode_paid_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Facts of episode {self.episode_id}"


class ChannelMonth(models.Model):
    """The patient facts summed per channel, clinic and month of first visit, kept current by
    triggers on the patient facts (`liaison/insights/facts.py`). A figure over all patients
    first seen by a date reads the months before that date's month here, and the few days of
    its own month from the patient facts: a few thousand rows, whatever the history."""

    channel = models.CharField(max_length=24)
    location_id = models.BigIntegerField()
    month = models.DateField(help_text="The first day of the month.")
    patients = models.IntegerField(default=0)
    first_year_cents = models.BigIntegerField(default=0)
    first_two_years_cents = models.BigIntegerField(default=0)
    second_episodes = models.IntegerField(
        default=0, help_text="Patients who have started a second episode (on any date)."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "location_id", "month"], name="insights_channel_month_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} at {self.location_id} in {self.month:%Y-%m}"


class DataVersion(models.Model):
    """A counter per topic (figures, reports, contacts) that database triggers advance on every
    write of the tables the topic's kept values read (`liaison/insights/data_version.py`). The
    kept figures are keyed by the counters. Never written by Python."""

    topic = models.CharField(max_length=16, primary_key=True)
    counter = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.topic} at {self.counter}"
