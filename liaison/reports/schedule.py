"""The sender on a schedule: every minute, the signed reports whose time has come, then the
clinicians' digests (each once a day, from `LIAISON_DIGEST_HOUR`).

`liaison schedule` runs it until stopped; `make run` starts it beside the server. Several
hosts may run it at once: each report and each digest is claimed in the database before it
is sent (`delivery.py`, `digest.py`), so none goes out twice.
"""

import logging
import threading
from dataclasses import dataclass

from django.db import DatabaseError, close_old_connections

from liaison.reports.delivery import SendSummary, deliveries_send_due
from liaison.reports.digest import digests_send

log = logging.getLogger(__name__)

EVERY_SECONDS = 60


@dataclass(frozen=True)
class Round:
    reports: SendSummary
    digests: int

    def __str__(self) -> str:
        return (
            f"reports sent: {self.reports.sent}, to retry: {self.reports.retrying}, "
            f"failed for good: {self.reports.failed}; digests sent: {self.digests}"
        )


def send_round(*, digests: bool = True) -> Round:
    """Send what is due now: the reports, then (unless told not to) the digests."""
    reports = deliveries_send_due()
    return Round(reports=reports, digests=digests_send() if digests else 0)


def run_schedule(*, stop: threading.Event, every: float = EVERY_SECONDS) -> int:
    """A round every `every` seconds until `stop` is set; returns the rounds run. A round that
    fails (the database away for a moment) is logged by its kind only, never its data, and
    the next one tries again."""
    rounds = 0
    while not stop.is_set():
        try:
            done = send_round()
        except (DatabaseError, OSError) as error:
            log.warning("send round failed: %s; trying again in %ss", type(error).__name__, every)
        else:
            if done.reports.sent or done.reports.failed or done.digests:
                log.info("%s", done)
        finally:
            close_old_connections()
        rounds += 1
        stop.wait(every)
    return rounds
