"""Display labels in the active language (the models keep Chinese choice labels for the API)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TOPICS: dict[str, Promise] = {
    "laws": _("Laws, regulations and General Secretary Xi's remarks on work safety"),
    "major_hazard": _("Major accident hazard criteria"),
    "risk_control": _("Risk identification and control"),
    "hazard_check": _("Hidden-danger checks and remediation"),
    "accident_cases": _("Accident cases and warning education"),
    "rules": _("Safety rules and operating procedures"),
    "skills": _("Safe operating skills"),
    "emergency": _("Emergency response and self-rescue"),
}

LESSON_KINDS: dict[str, Promise] = {
    "text": _("Text"),
    "video": _("Video"),
    "pdf": _("PDF document"),
}

SOURCES: dict[str, Promise] = {
    "self": _("Self-chosen"),
    "assigned": _("Assigned"),
}

# hour bands of the market filter: code → (min, max, label); bounds inclusive, None: open
HOUR_BANDS: dict[str, tuple[str | None, str | None, Promise]] = {
    "1": (None, "1", _("Up to 1 hour")),
    "4": ("1.1", "4", _("1–4 hours")),
    "8": ("4.1", "8", _("4–8 hours")),
    "9": ("8.1", None, _("More than 8 hours")),
}
