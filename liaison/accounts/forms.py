from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from liaison.accounts.audit import client_ip
from liaison.accounts.models import LoginFailure


class ThrottledLoginForm(AuthenticationForm):
    """Django's login form, refusing a username after too many recent failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": "Too many failed attempts for this username. Try again in 15 minutes.",
    }

    def clean(self):
        username = (self.data.get("username") or "").strip()
        if username and self._recent_failures(username) >= settings.LOGIN_FAILURE_LIMIT:
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            if username:
                LoginFailure.objects.create(
                    username=username[:150], ip_address=client_ip(self.request)
                )
            raise

    def _recent_failures(self, username: str) -> int:
        since = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
        return LoginFailure.objects.filter(username__iexact=username, at__gte=since).count()
