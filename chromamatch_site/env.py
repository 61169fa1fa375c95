"""Typed readers for settings that come from the environment.

Every reader names the variable in its error, so a wrong value stops the process at start
with a message an operator can act on. A secret may instead be given as a path in
``NAME_FILE`` (Docker and Kubernetes secrets), which wins over ``NAME``.
"""

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_path!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, default: str | None, *, schemes: tuple[str, ...]) -> str | None:
    """Read a URL and check its scheme, so a typo fails here instead of at first use."""
    value = env_str(name, default)
    if value is None:
        return None
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    if scheme not in schemes:
        raise ImproperlyConfigured(
            # The URL may hold a password, so only its scheme is echoed back.
            f"{name} is not a valid URL (scheme {scheme!r}); expected one of: {', '.join(schemes)}."
        )
    return value


_RATE = re.compile(r"^[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)$")


def env_rate(name: str, default: str) -> str:
    """A throttle rate as DRF reads it, "N/period" (second, minute, hour or day): anything
    else made every throttled request a 500 ("lots", "10/fortnight")."""
    value = env_str(name, default)
    if not _RATE.match(value.strip()):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a rate like 10/min (a count per s, min, hour or day)."
        )
    return value.strip()
