import base64
import time

import segno
from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from liaison.accounts import two_factor
from liaison.accounts.forms import ThrottledLoginForm
from liaison.accounts.middleware import LOGIN_AT_KEY


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledLoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session[LOGIN_AT_KEY] = time.time()
        return response


class CodeForm(forms.Form):
    announce_errors = True  # a wrong code is the page's whole news (templates/_field.html)
    code = forms.CharField(
        label="Code",
        max_length=20,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if safe else "/"


@login_required
def two_factor_verify(request):
    """The second step: the code from the authenticator app, or a recovery code."""
    if request.user.is_verified():
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if two_factor.verify_second_step(request=request, token=form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error(
            "code", "That code is not right, or was already used. Try the code your app shows now."
        )
    status = 400 if form.is_bound else 200
    return render(
        request, "accounts/two_factor.html", {"form": form, "next": _next(request)}, status=status
    )


@login_required
def two_factor_setup(request):
    """Enrol an authenticator app: scan the code (or type the key), confirm with a code from
    the app, and keep the recovery codes shown once."""
    device = two_factor.enrolment_device(request.user)
    form = CodeForm(request.POST or None)
    form.fields["code"].label = "Code from the app"
    if form.is_valid():
        codes = two_factor.enrolment_confirm(
            request=request, device=device, token=form.cleaned_data["code"]
        )
        if codes is not None:
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
        form.add_error(
            "code",
            "That code does not match: check the app's clock, and enter the code it shows now.",
        )
    context = {
        "form": form,
        "next": _next(request),
        "required": two_factor.two_factor_required(request.user),
        "key": _spaced(device.bin_key),
        "qr": segno.make(device.config_url, error="m").svg_inline(scale=4, title="Scan me"),
    }
    return render(
        request, "accounts/two_factor_setup.html", context, status=400 if form.is_bound else 200
    )


def _spaced(key: bytes) -> str:
    """The key in base32, in groups of four, as authenticator apps ask for it."""
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
