"""``zhusan token issue USERNAME --days N`` and ``zhusan token revoke PREFIX``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from knox.models import AuthToken
from knox.settings import CONSTANTS

from zhusan.accounts import services
from zhusan.accounts.models import User
from zhusan.audit.services import Actor


class Command(BaseCommand):
    help = "Issue or revoke personal API tokens. The token is printed once and never stored in clear."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{issue,revoke}")
        issue = sub.add_parser("issue", help="Issue a token for a user.")
        issue.add_argument("username")
        issue.add_argument(
            "--days",
            type=int,
            required=True,
            help=f"Days until the token expires (1 to {settings.ZHUSAN_API_TOKEN_MAX_DAYS}).",
        )
        revoke = sub.add_parser("revoke", help="Revoke the token whose first characters are PREFIX.")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "issue":
            self.issue(options["username"], options["days"])
        else:
            self.revoke(options["prefix"])

    def issue(self, username: str, days: int) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        try:
            instance, token = services.api_token_issue(actor=Actor.system("token issue"), user=user, days=days)
        except (ValidationError, PermissionDenied) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message) from exc
        self.stdout.write(token)
        self.stderr.write(f"Expires {instance.expiry:%Y-%m-%d %H:%M %Z}. It will not be shown again.")

    def revoke(self, prefix: str) -> None:
        prefix = prefix.strip()
        if len(prefix) < 8:
            raise CommandError("Give at least the first 8 characters of the token.")
        # token_key holds the token's first characters; a whole token given here works too.
        key_length = CONSTANTS.TOKEN_KEY_LENGTH
        if len(prefix) >= key_length:
            tokens = AuthToken.objects.filter(token_key=prefix[:key_length])
        else:
            tokens = AuthToken.objects.filter(token_key__startswith=prefix)
        found = list(tokens.select_related("user")[:2])
        if not found:
            raise CommandError("No token starts with that prefix.")
        if len(found) > 1:
            raise CommandError("More than one token starts with that prefix; give more characters.")
        services.api_token_revoke(actor=Actor.system("token revoke"), token=found[0])
        self.stdout.write(f"Revoked token {found[0].token_key}… of {found[0].user.get_username()}.")
