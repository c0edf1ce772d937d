"""Sign-in by username, or (for workers) by ID number or mobile phone, with a password.

`resolve_account` is the one place that turns what was typed into an account; the sign-in
throttle (safetrain.accounts) keys its counter by the account it finds, so that the username,
ID number and phone of one account share one counter.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from safetrain.core.identifiers import (
    InvalidIdentifier,
    looks_like_id_number,
    normalize_id_number,
    normalize_phone,
)


def resolve_account(identifier: str) -> Any:
    """The account named by a username, an ID number or an 11-digit mobile number, or None."""
    from safetrain.people.models import User
    from safetrain.people.services import id_lookup_hash, phone_lookup_hash

    candidate = (identifier or "").strip()
    if not candidate:
        return None
    user = None
    if looks_like_id_number(candidate):
        try:
            number = normalize_id_number(candidate)
            user = User.objects.filter(person__id_number_hash=id_lookup_hash(number)).first()
        except InvalidIdentifier:
            user = None
    elif candidate.isdigit() and len(candidate) == 11:
        try:
            phone = normalize_phone(candidate)
            user = User.objects.filter(person__phone_hash=phone_lookup_hash(phone)).first()
        except InvalidIdentifier:
            user = None
    if user is None:
        user = User.objects.filter(username=candidate).first()
    return user


class IdentityBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:

        if not username or password is None:
            return None
        return self.check(resolve_account(username), password)

    def check(self, user: Any, password: str) -> Any:
        """The account if the password is its own and it may sign in, else None; the same work
        whether or not the account exists."""
        from safetrain.people.models import User

        if user is None:
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
