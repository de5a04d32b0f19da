"""The sender on its schedule: a signed report leaves with nobody running a command."""

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.utils import timezone

from liaison.reports.models import Report
from liaison.reports.schedule import run_schedule
from liaison.reports.services import report_draft, report_sign

# The schedule runs in a thread of its own, with its own connection: it sees only what the
# test commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def schedule(settings):
    settings.LIAISON_DIGEST_HOUR = 24  # no digest: only the report goes out
    stop = threading.Event()
    worker = threading.Thread(target=run_schedule, kwargs={"stop": stop, "every": 0.2})
    worker.start()
    yield worker
    stop.set()
    worker.join(timeout=10)


def wait_for(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def test_a_signed_report_reaches_the_partner_on_the_next_round(
    smtp, schedule, evaluated_episode, clinician
):
    partner = evaluated_episode.referral.partner
    partner.preferred_channel = "email"
    partner.save()
    report = report_draft(
        referral=evaluated_episode.referral,
        kind="initial",
        episode=evaluated_episode,
        due_on=dt.date(2026, 1, 14),
        by=clinician,
    )
    time.sleep(0.5)  # rounds pass while the report is a draft: nothing goes
    assert smtp.messages == []
    report_sign(report=report, body=report.body, by=clinician)
    # The report is marked sent just after the message is accepted.
    assert wait_for(lambda: Report.objects.filter(pk=report.pk, sent_on__isnull=False).exists())
    assert smtp.recipients == [["silva@clinic.example"]]
    report.refresh_from_db()
    assert report.sent_on == timezone.localdate() and report.channel == "email"
    assert schedule.is_alive()


def test_the_command_outlives_a_database_error_and_stops_on_sigterm(tmp_path):
    """A round that fails (here: a database with no tables) is logged and the next one tries
    again; SIGTERM, as systemd or `make run` send it, ends the loop cleanly."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    command = [sys.executable, "-m", "liaison.cli", "schedule", "--every", "0.1"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout.readline().startswith(b"Sending due reports every 0.1 s")
        time.sleep(1)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    rounds = int(out.decode().split("Stopped after ")[1].split()[0])
    assert rounds >= 2
    assert b"send round failed: OperationalError" in err
