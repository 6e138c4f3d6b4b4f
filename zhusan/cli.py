"""The ``zhusan`` command: every Django management command under one name.

A configuration error (a missing secret key, a variable that does not parse)
is printed as one line naming what to set, and the command exits with 2,
instead of a Python traceback.
"""

from __future__ import annotations

import os
import sys

from django.core.exceptions import ImproperlyConfigured

CONFIGURATION_ERROR = 2
HELP = (
    "set it in the environment (every variable: docs/configuration.md); "
    "for the demo's database run `make demo` once, which writes var/demo.env"
)


def configuration_error(exc: ImproperlyConfigured) -> str:
    """The one line printed for a configuration error."""
    return f"zhusan: configuration error: {exc} — {HELP}."


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhusan.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    try:
        # Read the settings here: Django's own handling would list only its
        # core commands, or print a traceback from inside a command.
        settings.INSTALLED_APPS  # noqa: B018
        execute_from_command_line(["zhusan", *(sys.argv[1:] if argv is None else argv)])
    except ImproperlyConfigured as exc:
        print(configuration_error(exc), file=sys.stderr)
        sys.exit(CONFIGURATION_ERROR)


if __name__ == "__main__":
    main()
