from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle


class LoginRateThrottle(SimpleRateThrottle):
    """Sign-in attempts per client address, shared by the login page and the token API.

    It only reads ``request.META``, so it works on a plain Django request too.
    """

    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignupRateThrottle(LoginRateThrottle):
    scope = "signup"


class PasswordResetRateThrottle(LoginRateThrottle):
    """Reset e-mails asked for per client address: each one is an e-mail sent to someone."""

    scope = "password_reset"


class ExportRateThrottle(UserRateThrottle):
    """Copies of one's data per account, shared by the profile page and the API: zipping a long
    history of photos takes seconds, and a person needs a handful, not a stream."""

    scope = "export"
