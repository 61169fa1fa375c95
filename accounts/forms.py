from django import forms
from django.contrib.auth import forms as auth_forms

from accounts import consent, services
from accounts.models import EMAIL_MAX_LENGTH, User


class SignupForm(forms.Form):
    email = forms.EmailField(
        label="E-mail",
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    consent = forms.BooleanField(
        required=False,  # refused with the sign-up service's own message, not "required"
        label="I agree to face analysis of the photos I upload.",
        help_text=consent.TEXT,
    )

    def clean_consent(self):
        # Checked here too, so that an empty form names every missing part at once (the
        # service alone would only be reached once e-mail and password were valid).
        if not self.cleaned_data["consent"]:
            raise forms.ValidationError(services.CONSENT_REQUIRED)
        return True


class EmailAuthenticationForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    # Django's says "both fields may be case-sensitive"; an e-mail address here is not.
    error_messages = auth_forms.AuthenticationForm.error_messages | {
        "invalid_login": (
            "Please enter a correct e-mail address and password. The password is case-sensitive."
        ),
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="E-mail",
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class SetPasswordForm(auth_forms.SetPasswordForm):
    """A new password from a reset link, which also ends the account's API token."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            services.token_revoke(user=user)
        return user


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password, to confirm",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


class _LowerCaseEmail:
    """Addresses are stored lower-cased (sign-in looks them up so): one typed in the admin as
    "Mixed@Example.com" could not log in, and the same address signing up made a second
    account. Cleaned before the form's uniqueness check, which then sees the stored form."""

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()


class AdminUserCreationForm(_LowerCaseEmail, auth_forms.BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class AdminUserChangeForm(_LowerCaseEmail, auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
