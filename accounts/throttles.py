from rest_framework.throttling import SimpleRateThrottle


class LoginRateThrottle(SimpleRateThrottle):
    """Sign-in attempts per client address, shared by the login page and the token API.

    It only reads ``request.META``, so it works on a plain Django request too.
    """

    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignupRateThrottle(LoginRateThrottle):
    scope = "signup"
