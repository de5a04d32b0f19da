"""Who is signed in to the referrer portal: a partner, by the address a link was mailed to.

A portal session is not a staff session: signing in by a link ends any staff session in the
browser, holds only the partner and the address, and ends after 30 idle minutes, when the
practice closes the portal, or when the address is no longer the partner's on file.
"""

import time
from functools import wraps

from django.contrib.auth import logout
from django.shortcuts import redirect, render

from liaison.core.models import PracticeSettings
from liaison.partners.models import Partner
from liaison.portal.models import SignInLink

SESSION_KEY = "liaison_portal"
IDLE_SECONDS = 30 * 60


def portal_open() -> bool:
    return PracticeSettings.current().portal_enabled


def portal_sign_in(request, link: SignInLink) -> None:
    logout(request)  # a new session key, and no staff user alongside the referrer
    request.session[SESSION_KEY] = {
        "partner": link.partner_id,
        "email": link.email,
        "seen": time.time(),
    }
    request.session.set_expiry(IDLE_SECONDS)


def portal_sign_out(request) -> None:
    request.session.flush()


def signed_in_partner(request) -> Partner | None:
    """The partner this browser is signed in as, or None (and the session ended) when the
    idle time passed or the address is no longer on file for the partner."""
    held = request.session.get(SESSION_KEY)
    if not held:
        return None
    partner = Partner.objects.filter(pk=held["partner"]).first()
    idle = time.time() - held["seen"]
    if partner is None or idle > IDLE_SECONDS or not _on_file(partner, held["email"]):
        portal_sign_out(request)
        return None
    request.session[SESSION_KEY] = {**held, "seen": time.time()}
    act_as(request, held["email"])
    return partner


def act_as(request, email: str) -> None:
    """The request acts for the referrer at `email`: the audit trail names them."""
    request.portal_actor = f"portal: {email}"[:150]
    request.portal_email = email


def _on_file(partner: Partner, email: str) -> bool:
    return partner.email.strip().lower() == email.lower()


def portal_page(view):
    """A portal page: the portal must be open and a partner signed in; the view gets them."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not portal_open():
            return render(request, "portal/closed.html", status=404)
        partner = signed_in_partner(request)
        if partner is None:
            return redirect("portal-sign-in")
        return view(request, partner, *args, **kwargs)

    return wrapped
