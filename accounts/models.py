from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

# Sign-up inputs say it too: the e-mail validator alone lets longer addresses through, which
# Postgres then refuses (a 500).
EMAIL_MAX_LENGTH = 254


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, email: str):
        # Addresses are stored lower-cased, so "Ana@Example.com" signs in as "ana@example.com".
        return self.get(email=email.lower())

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A ChromaMatch account; the e-mail address is the login."""

    email = models.EmailField("e-mail address", max_length=EMAIL_MAX_LENGTH, unique=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["-date_joined"]

    def __str__(self) -> str:
        return self.email


class Consent(models.Model):
    """A person's agreement to face analysis, kept with the version of the text they saw."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    policy_version = models.CharField(max_length=32)
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.user} agreed to {self.policy_version} at {self.given_at:%Y-%m-%d %H:%M}"
