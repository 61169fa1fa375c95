"""The face-analysis consent text. Change the version whenever the text changes."""

POLICY_VERSION = "2026-11-27"

TEXT = (
    "ChromaMatch analyses the photos you upload to measure your skin, eye and hair colour and "
    "your face shape. Your photos and results are stored privately for you alone, are never "
    "shared or used to train models, and are deleted with your account whenever you ask."
)
