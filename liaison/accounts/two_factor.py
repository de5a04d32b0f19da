"""Two-factor sign-in: a time-based code (TOTP, RFC 6238) from an authenticator app, with
single-use recovery codes for a lost phone. Built on django-otp's devices.

Required for the roles in settings.TWO_FACTOR_ROLES (managers and clinicians by default), or
for everyone with LIAISON_2FA_FOR_ALL=1; optional for the others, who may enrol all the same.
`TwoFactorMiddleware` (middleware.py) holds a signed-in user who has not passed the second
step at the code page, or at enrolment when it is required and they have no device yet.
"""

import django_otp
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
APP_DEVICE = "authenticator app"
RECOVERY_DEVICE = "recovery codes"


def two_factor_required(user) -> bool:
    return settings.TWO_FACTOR_FOR_ALL or user.role in settings.TWO_FACTOR_ROLES


def enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enrolment_device(user) -> TOTPDevice:
    """The device being enrolled: the user's unconfirmed one, or a new one with a fresh key."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)


def enrolment_confirm(*, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device when `token` is its current code: it replaces any earlier device,
    new recovery codes replace the old, and this session counts as verified. Returns the
    recovery codes, to show once; None when the code is wrong."""
    if not device.verify_token(token.strip()):
        return None
    user = device.user
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
    django_otp.login(request, device)
    return codes


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify_second_step(*, request, token: str) -> bool:
    """Whether `token` is the user's current app code or one of their unused recovery codes
    (which is then spent); on success the session counts as verified. Each device throttles
    repeated failures (django-otp doubles the wait after each)."""
    token = token.strip().replace(" ", "")
    with transaction.atomic():  # the devices are locked while a token is checked
        verified = next(
            (
                device
                for device in django_otp.devices_for_user(request.user, for_verify=True)
                if device.verify_token(token)
            ),
            None,
        )
    if verified is None:
        return False
    django_otp.login(request, verified)
    return True
