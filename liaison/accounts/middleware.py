import time

from django.conf import settings
from django.contrib.auth import logout

LOGIN_AT_KEY = "liaison_login_at"


class SessionLimitMiddleware:
    """Ends a session 12 hours after login whatever the activity (idle expiry is the cookie age)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            login_at = request.session.get(LOGIN_AT_KEY)
            if login_at is None:
                request.session[LOGIN_AT_KEY] = time.time()
            elif time.time() - login_at > settings.SESSION_MAX_SECONDS:
                logout(request)
        return self.get_response(request)
