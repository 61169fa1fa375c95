"""The face-analysis consent text. Change the version whenever the text changes."""

POLICY_VERSION = "2026-11-29"

# 2026-11-29: "for you alone" left out the administrators, who see photos in the admin, and
# the drift monitoring, which compares measurements.
TEXT = (
    "ChromaMatch analyses the photos you upload to measure your skin, eye and hair colour and "
    "your face shape. Your photos and results are stored privately: only you see them, and the "
    "service's administrators when they need to run or repair it. They are never shared or "
    "used to train models; your measurements, not your photos, count in the service's checks "
    "of its own accuracy. All of it is deleted with your account whenever you ask."
)
