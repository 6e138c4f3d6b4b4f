"""``zhusan tracker build SOURCES… -o site/``: the public tracker as a static site.

SOURCES are published HXL aggregates of deployments (files or http(s) URLs;
``KZ=FILE`` names the country of a file without a ``#country+code`` column).
The curated public figures (``zhusan/tracker/data/public_figures.csv``) are
always included unless ``--no-curated``. Every source is read and checked
before anything is written: a refused source stops the build with its reason
(exit code 1) and leaves ``-o`` untouched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhusan.tracker.site import build
from zhusan.tracker.sources import CURATED, RefusedSourceError, read_all


class Command(BaseCommand):
    help = "Build the public tracker (a static website) from published HXL aggregates and curated public figures."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        build_parser = sub.add_parser("build", help="Build the static site.")
        build_parser.add_argument(
            "sources", nargs="*", metavar="SOURCE", help="HXL aggregate: a file or an http(s) URL"
        )
        build_parser.add_argument("-o", "--output", required=True, help="Folder to write the site into.")
        build_parser.add_argument(
            "--figures", default=str(CURATED), help="Curated public figures (CSV); default: the shipped table."
        )
        build_parser.add_argument("--no-curated", action="store_true", help="Leave out the curated public figures.")
        build_parser.add_argument(
            "--threshold",
            type=int,
            default=int(getattr(settings, "ZHUSAN_DISCLOSURE_THRESHOLD", 5)),
            help="Lowest disclosure threshold accepted from a source (default: ZHUSAN_DISCLOSURE_THRESHOLD, 5).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        curated = None if options["no_curated"] else Path(options["figures"])
        try:
            figures = read_all(options["sources"], min_threshold=options["threshold"], curated=curated)
        except RefusedSourceError as refusal:
            raise CommandError(
                f"RefusedSourceError {refusal.source}: {refusal.reason} Nothing was written."
            ) from refusal
        out = Path(options["output"])
        written = build(figures, out)
        self.stdout.write(f"Wrote {len(written)} files to {out} ({len(figures)} figures).")
