"""`safetrain token create USERNAME` prints a new bearer token for the REST API, and nothing else.

    TOKEN=$(safetrain token create chengqu)
    curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8000/api/v1/enterprises

Only a SHA-256 of the token is stored, so it is shown this once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from safetrain.people.management.base import ExitOneCommand
from safetrain.people.models import User
from safetrain.people.services import token_create


class Command(ExitOneCommand):
    help = "API tokens: `safetrain token create USERNAME` prints a bearer token."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="create")
        create = sub.add_parser("create", help="print a new bearer token for USERNAME")
        create.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"未知用户 {username}")
        if not user.is_active:
            raise CommandError(f"账号 {username} 已停用，不能签发令牌")
        self.stdout.write(token_create(user=user))
