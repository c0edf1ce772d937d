"""Sign-in, the second factor, sign-out (here and everywhere), passwords, API tokens. Thin."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetrain.core.errors import ServiceError
from safetrain.people.models import User
from safetrain.people.selectors import user_list

from . import selectors, services
from .forms import LOCKED_MESSAGE, CodeForm, ForgotForm, ResetForm, SignInForm

ADMIN_ROLES = frozenset({"city_admin", "county_admin", "enterprise_admin"})
# the second-factor pages show no menu and no account link: nothing there is reachable yet
BEFORE_SECOND_FACTOR = {"nav_items": [], "before_second_factor": True}


def _viewer(request: HttpRequest) -> User:
    return cast(User, request.user)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


class SignInView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["expired"] = self.request.GET.get("expired") == "1"
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)  # django's login(): a new session key
        user = form.get_user()
        if services.requires_two_factor(user):
            target = (
                "accounts:otp_verify" if services.otp_has_device(user) else "accounts:otp_enrol"
            )
            query = urlencode({"next": self.get_success_url()})
            return HttpResponseRedirect(f"{reverse(target)}?{query}")
        return response


class SignOutView(auth_views.LogoutView):
    """POST only (Django's LogoutView): the session is flushed; API tokens stay (see docs)."""


def _second_factor_done(request: HttpRequest) -> bool:
    user = request.user
    return not services.requires_two_factor(user) or services.session_verified(request)


def _locked_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.error(request, LOCKED_MESSAGE)
    return redirect("login")


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    if _second_factor_done(request):
        return HttpResponseRedirect(_next(request))
    user = _viewer(request)
    if not services.otp_has_device(user):
        return redirect(f"{reverse('accounts:otp_enrol')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.otp_attempt(request=request, user=user, code=form.cleaned_data["code"])
        if result == "ok":
            return HttpResponseRedirect(_next(request))
        if result == "locked":
            return _locked_out(request)
        form.add_error("code", _("Wrong or already used code. Wait for the next one."))
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": _next(request), **BEFORE_SECOND_FACTOR},
    )


@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    if _second_factor_done(request):
        return HttpResponseRedirect(_next(request))
    user = _viewer(request)
    if services.otp_has_device(user):
        return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': _next(request)})}")
    device = services.otp_enrol_start(user=user)
    secret = services.otp_secret(device)
    uri = services.otp_provisioning_uri(user, secret)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.otp_attempt(
            request=request, user=user, code=form.cleaned_data["code"], enrolling=True
        )
        if result == "ok":
            messages.success(request, _("Two-factor authentication is on for your account."))
            return HttpResponseRedirect(_next(request))
        if result == "locked":
            return _locked_out(request)
        form.add_error("code", _("Wrong code: check the clock of your phone and try again."))
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "qr": services.otp_qr_svg(uri),
            "secret": grouped,
            "next": _next(request),
            **BEFORE_SECOND_FACTOR,
        },
    )


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The account's security page: second factor, password, API tokens, sign out everywhere."""
    viewer = _viewer(request)
    new_token = None
    if request.method == "POST" and request.POST.get("action") == "token_create":
        try:
            new_token = services.api_token_issue(actor=viewer, request=request)
        except ServiceError as exc:
            messages.error(request, exc.message)
    elif request.method == "POST" and request.POST.get("action") == "token_revoke":
        try:
            services.api_token_revoke(actor=viewer, token_id=int(request.POST.get("token", "0")))
            messages.success(request, _("The token is revoked."))
        except (ServiceError, ValueError):
            messages.error(request, _("No such token."))
        return redirect("accounts:security")
    return render(
        request,
        "accounts/security.html",
        {
            "two_factor_required": services.requires_two_factor(viewer),
            "two_factor_on": services.otp_has_device(viewer),
            "may_create_tokens": services.otp_has_device(viewer),
            "tokens": selectors.api_tokens_of(viewer=viewer),
            "new_token": new_token,
            "is_admin": viewer.is_superuser or viewer.role in ADMIN_ROLES,
        },
    )


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    counts = services.sign_out_everywhere(user=_viewer(request))
    logout(request)
    messages.success(
        request,
        _("Signed out everywhere: %(sessions)d sessions ended, %(tokens)d API tokens revoked.")
        % counts,
    )
    return redirect("login")


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth import update_session_auth_hash

    form = PasswordChangeForm(_viewer(request), request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # other sessions end: their hash no longer fits
        messages.success(request, _("Your password is changed; your other sessions have ended."))
        return redirect("accounts:security")
    return render(request, "accounts/password_change.html", {"form": form})


def password_forgot(request: HttpRequest) -> HttpResponse:
    form = ForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.reset_request(identifier=form.cleaned_data["identifier"])
        return render(request, "accounts/password_forgot.html", {"done": True})
    return render(request, "accounts/password_forgot.html", {"form": form, "done": False})


def password_reset(request: HttpRequest) -> HttpResponse:
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.reset_redeem(
                request=request,
                identifier=data["identifier"],
                code=data["code"],
                password=data["password1"],
            )
        except ServiceError as exc:
            target = "password1" if "password" in exc.fields else None
            form.add_error(target, exc.message)
        else:
            if request.user.is_authenticated:
                logout(request)
            messages.success(request, _("Your password is set. Sign in with it now."))
            return redirect("login")
    return render(request, "accounts/password_reset.html", {"form": form})


@login_required
def reset_requests(request: HttpRequest) -> HttpResponse:
    """Administrators: open "forgot my password" requests of their accounts, and the code issued."""
    viewer = _viewer(request)
    if not (viewer.is_superuser or viewer.role in ADMIN_ROLES):
        raise PermissionDenied
    issued = None
    if request.method == "POST":
        accounts = user_list(viewer=viewer)
        if request.POST.get("username"):
            target = get_object_or_404(accounts, username=request.POST["username"].strip())
        else:
            target = get_object_or_404(accounts, pk=request.POST.get("user") or 0)
        try:
            if request.POST.get("action") == "otp_reset":
                services.otp_reset(actor=viewer, user=target)
                messages.success(
                    request,
                    _("Two-factor authentication of %(username)s is reset: they enrol again.")
                    % {"username": target.username},
                )
            else:
                code = services.reset_issue(actor=viewer, user=target)
                issued = {"user": target, "code": code, "minutes": services.RESET_MINUTES}
        except ServiceError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "accounts/reset_requests.html",
        {"requests": selectors.reset_requests_open(viewer=viewer)[:200], "issued": issued},
    )
