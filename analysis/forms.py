"""Forms of the analysis pages: the selfie upload and the colour check."""

import re

from django import forms

from chromamatch.errors import AnalysisError
from chromamatch.image_loading import MAX_BYTES

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


class UploadForm(forms.Form):
    photo = forms.FileField(
        label="Your selfie",
        help_text="Face the camera in daylight if you can, without make-up or filters. "
        "JPEG, PNG, WEBP or HEIC, up to 30 MB.",
        # capture="user" opens the front camera on a phone; a desktop shows a file picker.
        widget=forms.FileInput(
            attrs={"accept": "image/*", "capture": "user", "aria-describedby": "id_photo_help"}
        ),
        error_messages={"required": "Choose a photo or take a selfie first."},
    )

    def clean_photo(self):
        photo = self.cleaned_data["photo"]
        # Refuse an oversized file before it is read into memory by the engine.
        if photo.size > MAX_BYTES:
            raise forms.ValidationError(AnalysisError("image_too_large").message)
        return photo


class ColorCheckForm(forms.Form):
    hex = forms.CharField(
        label="Pick a colour",
        max_length=7,
        widget=forms.TextInput(attrs={"type": "color"}),
        initial="#1e90ff",
    )

    def clean_hex(self):
        value = self.cleaned_data["hex"].strip()
        if not _HEX.match(value):
            raise forms.ValidationError(f"{value!r} is not a colour like #a1b2c3.")
        return value.lower()
