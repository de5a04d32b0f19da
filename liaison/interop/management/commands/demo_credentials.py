"""`liaison demo_credentials`: how to log in, printed by `make run`."""

from django.core.management.base import BaseCommand

from liaison import demo


class Command(BaseCommand):
    help = "Print the address and the demo logins that still have the demo password."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, port, **options):
        self.stdout.write(f"\nLiaison is starting on http://127.0.0.1:{port}/")
        logins = demo.demo_logins()
        if not logins:
            self.stdout.write("Log in with your own account (create one: liaison createsuperuser).")
            return
        self.stdout.write(f"Demo logins, all with the password {demo.DEMO_PASSWORD}:")
        for username, role in logins:
            self.stdout.write(f"  {username:<10} {role}")
        self.stdout.write(
            "Managers and clinicians set up two-factor sign-in the first time: have an "
            "authenticator app at hand (LIAISON_2FA_ROLES= turns it off for a demo)."
        )
        self.stdout.write("")
