"""`liaison schedule`: send due reports and the digests every minute, until stopped."""

import signal
import threading

from django.core.management.base import BaseCommand

from liaison.reports.schedule import EVERY_SECONDS, run_schedule


class Command(BaseCommand):
    help = (
        "Send signed reports whose time has come, and the clinicians' daily digests, every "
        "minute until stopped (SIGTERM or Ctrl-C). Safe on several hosts at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            default=EVERY_SECONDS,
            help=f"Seconds between rounds (default {EVERY_SECONDS}).",
        )

    def handle(self, *args, every, verbosity, **options):
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        if verbosity >= 1:
            self.stdout.write(f"Sending due reports every {every:g} s; stop with Ctrl-C.")
        rounds = run_schedule(stop=stop, every=every)
        if verbosity >= 1:
            self.stdout.write(f"Stopped after {rounds} rounds.")
