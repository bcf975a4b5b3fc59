"""Signing in: password, then — for administrators — a code from an authenticator app.

The rules (who needs a second factor, lockout, pending sign-ins) live in
access.signin; these views only ask and answer. An administrator is not signed in
until the code has been accepted.
"""

from __future__ import annotations

import base64

import django_otp
from django import forms
from django.contrib import auth, messages
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from knutpunkt.access import signin
from knutpunkt.core import audit

from .common import render_page, safe_next


class SwedishAuthenticationForm(AuthenticationForm):
    """The login form in Swedish whatever language the browser asks for."""

    error_messages = {
        "invalid_login": "Fel användarnamn eller lösenord. Tänk på att lösenordet skiljer på stora och små bokstäver.",
        "inactive": "Kontot är inte aktivt. Kontakta systemförvaltningen.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.label_suffix = ""
        self.fields["username"].label = "Användarnamn"
        self.fields["password"].label = "Lösenord"
        for field in self.fields.values():
            field.error_messages["required"] = "Fältet måste fyllas i."
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"})
        self.fields["password"].widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            # Locked — including by the failure just made. Unknown usernames are counted
            # the same way, so this answer does not tell whether the account exists.
            username = self.cleaned_data.get("username") or ""
            if getattr(self.request, "knutpunkt_signin_locked", False) or (username and signin.is_locked(username)):
                raise ValidationError(signin.locked_message(), code="locked") from None
            raise


class StaffLoginView(LoginView):
    template_name = "web/login.html"
    authentication_form = SwedishAuthenticationForm
    redirect_authenticated_user = True

    def get(self, request, *args, **kwargs):
        signin.clear_pending(request)  # back on the login page = start over
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        step = signin.second_step(user)
        if not step:
            return super().form_valid(form)
        # The password was right; the sign-in is finished on the code page.
        self.request.session.cycle_key()
        signin.start_pending(self.request, user, self.get_success_url())
        return redirect("web:login_otp" if step == "verify" else "web:login_otp_enrol")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        context["has_errors"] = bool(form is not None and form.is_bound and form.errors)
        context["locked"] = bool(form is not None and form.is_bound and any(e.code == "locked" for e in form.non_field_errors().as_data()))
        return context


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Engångskod", max_length=8, help_text="Sex siffror från autentiseringsappen.",
        error_messages={"required": "Skriv koden från autentiseringsappen."},
        widget=forms.TextInput(attrs={
            "inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*", "spellcheck": "false", "size": "8",
        }),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""


WRONG_CODE = "Koden stämmer inte. Kontrollera att klockan i telefonen går rätt och skriv den kod som visas nu."


def _who(request):
    """(user, already signed in). Already signed in: an administrator whose session has
    no second factor yet (e.g. 2FA was switched on after they signed in)."""
    if request.user.is_authenticated:
        return request.user, True
    return signin.pending_user(request), False


def _next(request, signed_in: bool) -> str:
    fallback = reverse("web:my_work") if signed_in else (signin.pending_next(request) or reverse("web:my_work"))
    return safe_next(request, fallback)


def _locked_out(request, user, signed_in: bool):
    signin.clear_pending(request)
    if signed_in:
        request.knutpunkt_logout_reason = "locked"
        auth.logout(request)
    messages.error(request, signin.locked_message())
    return redirect("web:login")


def _finish(request, user, device, signed_in: bool):
    target = _next(request, signed_in)
    if signed_in:
        signin.log("signin.otp_verified", user.get_username(), request, user=user)
    else:
        request.knutpunkt_second_factor = True
        auth.login(request, user, backend=user.backend)
        signin.clear_pending(request)
    django_otp.login(request, device)
    return redirect(target)


def _wrong_code(request, user, form):
    signin.log(signin.OTP_FAILED, user.get_username(), request, user=user)
    form.add_error("code", WRONG_CODE)


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def otp_verify(request):
    user, signed_in = _who(request)
    if user is None:
        messages.info(request, "Inloggningen tog för lång tid. Logga in igen.")
        return redirect("web:login")
    device = signin.confirmed_device(user)
    if device is None:
        return redirect(reverse("web:login_otp_enrol") + (f"?{request.GET.urlencode()}" if request.GET else ""))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if signin.is_locked(user.get_username()):
            return _locked_out(request, user, signed_in)
        if signin.verify_code(user, device, form.cleaned_data["code"]):
            return _finish(request, user, device, signed_in)
        _wrong_code(request, user, form)
        if signin.is_locked(user.get_username()):
            return _locked_out(request, user, signed_in)
    return render_page(request, "web/signin/otp_verify.html", {"form": form, "next": request.GET.get("next", "")})


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(text: str) -> str:
    """The QR code as inline SVG, drawn here (no image service, no external file)."""
    import segno

    return segno.make(text, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", svgclass="qr-code", lineclass=None, omitsize=False,
        title="QR-kod för autentiseringsappen",
    )


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def otp_enrol(request):
    user, signed_in = _who(request)
    if user is None:
        messages.info(request, "Inloggningen tog för lång tid. Logga in igen.")
        return redirect("web:login")
    if signin.confirmed_device(user) is not None:
        return redirect(reverse("web:login_otp") + (f"?{request.GET.urlencode()}" if request.GET else ""))
    device = signin.unconfirmed_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if signin.is_locked(user.get_username()):
            return _locked_out(request, user, signed_in)
        if signin.verify_code(user, device, form.cleaned_data["code"]):
            device.refresh_from_db()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit.log(signin.OTP_ENROLLED, actor=user, obj=user, object_label=user.get_username(),
                      ip_address=signin.client_ip(request), details={"device": device.persistent_id})
            messages.success(request, "Tvåstegsverifieringen är aktiverad. Nästa gång du loggar in frågar Knutpunkt efter en kod.")
            return _finish(request, user, device, signed_in)
        _wrong_code(request, user, form)
        if signin.is_locked(user.get_username()):
            return _locked_out(request, user, signed_in)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {
        "form": form,
        "next": request.GET.get("next", ""),
        "secret": _grouped(secret),
        "otpauth_uri": device.config_url,
        "qr_svg": qr_svg(device.config_url),
        "account": user.get_username(),
    }
    return render_page(request, "web/signin/otp_enrol.html", context)
