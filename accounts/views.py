"""Account pages: sign-up, sign-in, profile, a copy of your data and account deletion."""

from functools import wraps

from django.contrib import admin, messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import consent, export, services
from accounts.forms import AccountDeleteForm, EmailAuthenticationForm, SignupForm
from accounts.throttles import (
    ExportRateThrottle,
    LoginRateThrottle,
    PasswordResetRateThrottle,
    SignupRateThrottle,
)


def _refused(request, throttle, template: str):
    """A 429 page with Retry-After when ``throttle`` (a DRF throttle, which reads only the
    request) refuses the page's request; None when it may go on."""
    if throttle.allow_request(request, None):
        return None
    response = render(request, template, status=429)
    response["Retry-After"] = str(int(throttle.wait() or 60))
    return response


def _throttled_posts(throttle_class, template: str):
    """A view whose POSTs count against ``throttle_class``'s budget per address (the one its
    API counterpart uses, so a page is no way around it), answered with ``template`` and a
    429 beyond it."""

    def decorate(view):
        @wraps(view)
        def throttled(request, *args, **kwargs):
            if request.method == "POST":
                refused = _refused(request, throttle_class(), template)
                if refused:
                    return refused
            return view(request, *args, **kwargs)

        return throttled

    return decorate


@_throttled_posts(SignupRateThrottle, "accounts/signup_throttled.html")
@require_http_methods(["GET", "POST"])
def signup(request):
    # Bound on every POST: an empty one (``request.POST`` falsy) must show its errors too.
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_signup(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                consent_given=form.cleaned_data["consent"],
            )
        except services.SignupError as exc:
            form.add_error(exc.field, exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome to ChromaMatch. Send your first selfie.")
            return redirect("analysis:upload")
    return render(
        request, "accounts/signup.html", {"form": form, "policy_version": consent.POLICY_VERSION}
    )


_sign_in_budget = _throttled_posts(LoginRateThrottle, "accounts/throttled.html")


@method_decorator(_sign_in_budget, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


# The admin's login with the site's sign-in budget: a password guessed at /admin/login/ counts
# as one guessed at the login page (and the token API).
admin_login = _sign_in_budget(admin.site.login)


@method_decorator(
    _throttled_posts(PasswordResetRateThrottle, "accounts/password_reset_throttled.html"),
    name="dispatch",
)
class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view, with a budget per address: each request sends an e-mail."""


class LogoutView(auth_views.LogoutView):
    """Logging out is a POST (a link could log anyone out); a typed /accounts/logout/ gets a
    page with the button instead of a bare 405."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        return render(request, "accounts/logout.html")


# The page shows the API token: no browser or proxy keeps a copy.
@never_cache
@login_required
def profile(request):
    return render(
        request,
        "accounts/profile.html",
        {"consent": request.user.consents.first(), "token": services.token_for(user=request.user)},
    )


@login_required
@require_http_methods(["POST"])
def token_replace(request):
    services.token_revoke(user=request.user)
    messages.success(
        request, "Your API token was replaced: programs using the old one must use this one."
    )
    return redirect("accounts:profile")


@login_required
@require_http_methods(["GET"])
def account_export(request):
    refused = _refused(request, ExportRateThrottle(), "accounts/export_throttled.html")
    return refused or export.archive_response(user=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=request.user)
        logout(request)
        messages.success(request, "Your account and everything stored for it have been deleted.")
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})
