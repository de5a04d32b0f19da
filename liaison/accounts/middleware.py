import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.urls import Resolver404, resolve, reverse

from liaison.accounts.two_factor import enrolled, two_factor_required

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


class TwoFactorMiddleware:
    """Holds a signed-in user who has not passed the second step (accounts/two_factor.py): at
    the code page when they have a device, at enrolment when their role requires one; the API
    answers 403. After django-otp's OTPMiddleware, which tells whether the session passed."""

    OPEN = ("accounts-login", "accounts-logout", "accounts-two-factor", "accounts-two-factor-setup")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or user.is_verified() or self._open(request):
            return self.get_response(request)
        if enrolled(user):
            return self._hold(request, "accounts-two-factor")
        if two_factor_required(user):
            return self._hold(request, "accounts-two-factor-setup")
        return self.get_response(request)

    def _open(self, request) -> bool:
        if request.path.startswith(settings.STATIC_URL):
            return True
        try:
            return resolve(request.path_info).url_name in self.OPEN
        except Resolver404:
            return False

    def _hold(self, request, url_name: str):
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": "Finish two-factor sign-in on the login page first."}, status=403
            )
        return redirect_to_login(request.get_full_path(), reverse(url_name))
