"""Sign-in by username, or (for workers) by ID number or mobile phone, with a password."""

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


class IdentityBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        from safetrain.people.models import User
        from safetrain.people.services import id_lookup_hash, phone_lookup_hash

        if not username or password is None:
            return None
        user = None
        candidate = username.strip()
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
        if user is None:
            User().set_password(password)  # same work whether or not the account exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
