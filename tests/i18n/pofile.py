"""A small reader for gettext .po files: enough to check a catalogue's completeness.

It understands translator and reference comments, flags, msgctxt, multi-line
strings, msgid_plural and msgstr[n]; obsolete entries (``#~``) are skipped.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    locations: list[str] = field(default_factory=list)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)

    @property
    def files(self) -> set[str]:
        """The source files this entry comes from (line numbers dropped)."""
        return {location.rsplit(":", 1)[0] for location in self.locations}


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def parse(path: Path | str) -> list[Entry]:
    """Every entry of the catalogue at ``path``, the header included."""
    entries: list[Entry] = []
    current = Entry()
    started = False
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal current, started, target
        if started:
            entries.append(current)
        current, started, target = Entry(), False, None

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if started and target is not None and target[0] == "msgstr":
                finish()
            if line.startswith("#:"):
                current.locations.extend(line[2:].split())
            elif line.startswith("#,"):
                current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"{path}: a continuation line with nothing to continue: {raw!r}")
            _append(current, target, _unquote(line))
            continue
        keyword, _, value = line.partition(" ")
        if keyword == "msgctxt" or (keyword == "msgid" and started and target and target[0] == "msgstr"):
            if started and target is not None and target[0] == "msgstr":
                finish()
        started = True
        if keyword.startswith("msgstr["):
            target = ("msgstr", int(keyword[7:-1]))
            current.msgstr_plural[target[1]] = ""
        elif keyword in {"msgid", "msgctxt", "msgid_plural", "msgstr"}:
            target = (keyword, None)
            if keyword == "msgctxt":
                current.msgctxt = ""
            elif keyword == "msgid_plural":
                current.msgid_plural = ""
        else:
            raise ValueError(f"{path}: unexpected line {raw!r}")
        _append(current, target, _unquote(value))
    finish()
    return entries


def _append(entry: Entry, target: tuple[str, int | None], text: str) -> None:
    keyword, index = target
    if keyword == "msgstr" and index is not None:
        entry.msgstr_plural[index] += text
    elif keyword == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + text
    elif keyword == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    else:
        setattr(entry, keyword, getattr(entry, keyword) + text)
