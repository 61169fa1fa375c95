"""Why a photo could not be analysed: a stable code and a message for the person who sent it."""

MESSAGES = {
    "unsupported_format": (
        "This file is not a photo we can read. Send a JPEG, PNG, WEBP or HEIC photo."
    ),
    "corrupt_image": (
        "This photo is damaged or incomplete and cannot be opened. Take or export it again."
    ),
    "image_too_large": (
        "This photo is too large to analyse. Send one under 50 megapixels and 30 MB."
    ),
    "image_too_small": (
        "This photo is too small to analyse. Send one at least 200 pixels on each side."
    ),
    "grayscale_image": (
        "This photo is black and white, so it carries no skin colour. Send a colour photo."
    ),
    "no_face": "No face was found. Use a photo of one face, looking at the camera.",
    "face_too_small": (
        "Your face is too small in this photo to measure its colours. "
        "Hold the camera closer, so your face fills about a third of the picture."
    ),
}


class AnalysisError(Exception):
    """A photo the engine refuses, with one of the codes in ``MESSAGES``."""

    def __init__(self, code: str, message: str | None = None):
        if code not in MESSAGES:
            raise ValueError(f"unknown analysis error code {code!r}")
        self.code = code
        self.message = message or MESSAGES[code]
        super().__init__(self.message)

    def __reduce__(self):
        # Rebuilt from its code and message, so that it can cross from a worker process (an
        # exception is pickled by its args, here the message alone, which is no code).
        return type(self), (self.code, self.message)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}
