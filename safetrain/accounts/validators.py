"""Password rules (AUTH_PASSWORD_VALIDATORS): applied wherever a password is set — `safetrain
user create`, the account form, password change and reset, Django's admin and `changepassword`.

- at least 12 characters, from at least 3 of 4 classes (lower case, upper case, digits, others);
- not containing the username, the person's ID number (nor its last six characters, the classic
  default password in China) or phone number;
- Django's CommonPasswordValidator (20,000 common passwords) and UserAttributeSimilarity stay on.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def character_classes(password: str) -> int:
    lower = any(c.islower() for c in password)
    upper = any(c.isupper() for c in password)
    digit = any(c.isdigit() for c in password)
    other = any(not (c.islower() or c.isupper() or c.isdigit()) for c in password)
    return sum((lower, upper, digit, other))


class StrengthValidator:
    """Length and variety: `min_length` characters from `min_classes` of the four classes."""

    def __init__(self, min_length: int = 12, min_classes: int = 3) -> None:
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        errors = []
        if len(password) < self.min_length:
            errors.append(
                ValidationError(
                    ngettext(
                        "The password must have at least %(n)d character.",
                        "The password must have at least %(n)d characters.",
                        self.min_length,
                    )
                    % {"n": self.min_length},
                    code="password_too_short",
                )
            )
        if character_classes(password) < self.min_classes:
            errors.append(
                ValidationError(
                    _(
                        "The password must mix at least %(n)d of: lower-case letters, upper-case "
                        "letters, digits, other characters."
                    )
                    % {"n": self.min_classes},
                    code="password_too_simple",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _(
            "At least %(length)d characters, mixing at least %(classes)d of: lower-case letters, "
            "upper-case letters, digits, other characters."
        ) % {"length": self.min_length, "classes": self.min_classes}


def _personal_values(user: Any) -> list[tuple[str, str]]:
    """(what, value) pairs the password must not contain: username, ID number, phone."""
    values: list[tuple[str, str]] = []
    username = str(getattr(user, "username", "") or "")
    if len(username) >= 3:
        values.append((_("username"), username))
    person = getattr(user, "person", None) if getattr(user, "person_id", None) else None
    if person is not None:
        from safetrain.people.services import person_id_number, person_phone

        try:
            number = person_id_number(person)
        except Exception:  # noqa: BLE001 - an undecryptable number is simply not checked
            number = ""
        if number:
            values.append((_("ID number"), number))
            values.append((_("ID number"), number[-6:]))
        try:
            phone = person_phone(person)
        except Exception:  # noqa: BLE001
            phone = ""
        if phone:
            values.append((_("phone number"), phone))
    return values


class PersonalDataValidator:
    """The password may not contain the username, the ID number (or its last six) or the phone."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        folded = password.casefold()
        for what, value in _personal_values(user):
            if value.casefold() in folded:
                raise ValidationError(
                    _("The password must not contain your %(what)s.") % {"what": what},
                    code="password_contains_personal_data",
                )

    def get_help_text(self) -> str:
        return _("It must not contain your username, ID number or phone number.")
