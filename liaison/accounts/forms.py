from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from liaison.accounts.audit import client_ip
from liaison.accounts.models import LoginFailure

# Failures allowed from one address across all names, and of one name from all addresses,
# as multiples of the limit for one name from one address.
ADDRESS_FACTOR = 4
ANYWHERE_FACTOR = 10


class ThrottledLoginForm(AuthenticationForm):
    """Django's login form, refusing after too many recent failures: of one username from one
    address (so that failures from one machine do not lock the owner out of theirs), from one
    address whatever the names (one password tried across many names), and of one username
    from anywhere at a higher count (guessing spread over many machines)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": "Too many failed attempts for this username. Try again in 15 minutes.",
        "address_throttled": "Too many failed attempts from this computer. Try again in 15 "
        "minutes.",
    }

    def clean(self):
        username = (self.data.get("username") or "").strip()
        if problem := self._throttled(username):
            raise forms.ValidationError(self.error_messages[problem], code=problem)
        try:
            return super().clean()
        except forms.ValidationError:
            if username:
                LoginFailure.objects.create(
                    username=username[:150], ip_address=client_ip(self.request)
                )
            raise

    def _throttled(self, username: str) -> str | None:
        since = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
        recent = LoginFailure.objects.filter(at__gte=since)
        address = client_ip(self.request)
        limit = settings.LOGIN_FAILURE_LIMIT
        if recent.filter(ip_address=address).count() >= limit * ADDRESS_FACTOR:
            return "address_throttled"
        if username:
            named = recent.filter(username__iexact=username)
            if (
                named.filter(ip_address=address).count() >= limit
                or named.count() >= limit * ANYWHERE_FACTOR
            ):
                return "throttled"
        return None
