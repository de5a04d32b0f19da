from django.db import models

from liaison.care.models import Episode, Patient


class PatientFacts(models.Model):
    """Per-patient facts that do not depend on the as-of date, kept current by database
    triggers (migration 0001) on patients, episodes, visits and payments, so that every
    write path — services, admin, import, raw SQL — keeps them exact. Never written by Python.

    They stand for the full history: the first visit on or before D is `first_visit_on` when
    that is ≤ D (none otherwise), a second episode started by D exists when
    `second_episode_on` ≤ D, and the payments of the first year after the first visit are all
    dated before D once that visit is at least 365 days old.
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
    paid_cents = models.BigIntegerField(default=0, help_text="All the patient's payments.")
    first_year_cents = models.BigIntegerField(
        default=0, help_text="Payments dated in [first visit, first visit + 364 days]."
    )

    class Meta:
        verbose_name_plural = "patient facts"
        indexes = [models.Index(fields=["first_visit_on", "channel"])]

    def __str__(self) -> str:
        return f"Facts of patient {self.patient_id}"


class EpisodeFacts(models.Model):
    """Per-episode facts over the whole history, kept current by database triggers (see
    `liaison/insights/facts.py`): attended visits, and the primary instrument's readings.

    As of a date D they hold when nothing they count is dated after D — always so for the
    current date; otherwise the figures count the records again (docs/metrics.md).
    """

    episode = models.OneToOneField(
        Episode, primary_key=True, on_delete=models.DO_NOTHING, related_name="insights_facts"
    )
    # Copies of the episode's, its referral's and its patient's columns that the figures group
    # and filter by, so that the closed episodes of a window are read from this table alone.
    ended_on = models.DateField(null=True)
    planned_visits = models.IntegerField(null=True)
    primary_measure = models.CharField(max_length=10, null=True)
    partner_id = models.BigIntegerField(null=True, help_text="The referring partner, if any.")
    channel = models.CharField(max_length=24, null=True)
    location_id = models.BigIntegerField(null=True)
    attended_visits = models.IntegerField(default=0)
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

    class Meta:
        verbose_name_plural = "episode facts"
        indexes = [
            # Covers the closed episodes of a window: their sums need no table reads.
            models.Index(
                fields=[
                    "ended_on", "partner_id", "channel", "location_id", "planned_visits",
                    "primary_measure", "attended_visits", "last_attended_on", "readings",
                    "last_reading_on", "first_score_h", "last_score_h",
                ],
                name="insights_episode_closed_idx",
            ),
            # One partner's closed episodes of a window.
            models.Index(fields=["partner_id", "ended_on"], name="insights_episode_partner_idx"),
        ]

    def __str__(self) -> str:
        return f"Facts of episode {self.episode_id}"
