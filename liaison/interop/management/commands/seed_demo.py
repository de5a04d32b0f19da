"""`liaison seed_demo`: fill an empty database with the demo practice."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from liaison import demo
from liaison.core.dates import date_argument


class Command(BaseCommand):
    help = (
        "Fill an empty database with a realistic demo practice (partners, patients, "
        f"referrals, care, reports) and demo logins sharing the password {demo.DEMO_PASSWORD!r}."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=demo.PUBLIC_SCALES,
            default="small",
            help="small: 1 clinic, 2 years; medium: 3 clinics, 5 years; "
            "large: 20 clinics, 10 years (default: small).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Same seed, same records (default: 1)."
        )
        parser.add_argument(
            "--as-of",
            type=date_argument,
            default=None,
            help="The last day of the history, YYYY-MM-DD (default: today).",
        )
        when = parser.add_mutually_exclusive_group()
        when.add_argument(
            "--flush",
            action="store_true",
            help="Erase everything in the database first (users included).",
        )
        when.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing, successfully, when the database has data.",
        )

    def handle(self, *args, scale, seed, as_of, flush, if_empty, verbosity, **options):
        existing = demo.existing_data()
        if flush:
            call_command("flush", interactive=False, verbosity=0)
        elif existing:
            found = ", ".join(f"{n} {name}" for name, n in existing.items())
            if if_empty:
                if verbosity >= 1:
                    self.stdout.write(f"The database has data ({found}); no demo loaded.")
                return
            raise CommandError(
                f"The database is not empty ({found}). seed_demo only fills an empty "
                "database; run `liaison seed_demo --flush` to erase everything in it first."
            )
        today = as_of or timezone.localdate()

        def progress(done: int, total: int) -> None:
            if verbosity >= 1 and total > demo.CHUNK_PATIENTS:
                self.stdout.write(f"  {done:,} of about {total:,} patients")

        counts = demo.seed_demo(scale=scale, seed=seed, today=today, progress=progress)
        if verbosity >= 1:
            self._summary(scale, seed, today, counts)

    def _summary(self, scale, seed, today, counts) -> None:
        seconds = counts.pop("seconds")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded the {scale} demo (seed {seed}, as of {today}) in {seconds} s:"
            )
        )
        for name, n in counts.items():
            self.stdout.write(f"  {name:<16}{n:>12,}")
        users = ", ".join(demo.DEMO_USERNAMES)
        self.stdout.write(f"Log in as {users} with the password {demo.DEMO_PASSWORD}")
