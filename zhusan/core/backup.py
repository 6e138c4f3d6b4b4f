"""Encrypted, verifiable backups of the whole database, and their restore.

An archive holds the database's own dump (PostgreSQL: ``pg_dump`` in custom
format; SQLite: a copy made by SQLite's online backup API) and a manifest:
format version, database vendor, applied migrations, when it was made, the
row count and a SHA-256 of every table, and the SHA-256 of the dump. Never
``dumpdata``: it decrypts severe fields and rounds timestamps, which breaks
the audit chain.

The archive is encrypted with ``ZHUSAN_BACKUP_KEY``, a key of its own, kept
apart from ``FIELD_ENCRYPTION_KEYS``. Severe fields stay encrypted inside the
dump, so a backup and its key alone reveal no severe data.

Encryption is AES-256-GCM from ``cryptography`` over 1 MiB chunks (the STREAM
construction): each chunk carries its own authentication tag; its nonce holds
its position and whether it is the last one, so a changed, removed, reordered
or appended byte, or a truncated file, is refused. A random salt per archive
derives the archive's key from the backup key (HKDF-SHA256). py7zr's AES
(used by the case exports, where recipients open them with 7-Zip) is
AES-CBC with a CRC of the plain text: it does not authenticate the archive,
and a restore must not trust an archive that could have been altered.

Layout: ``MAGIC | version | salt | nonce prefix | key check`` (the header,
authenticated as associated data of every chunk), then chunks as
``length (4 bytes) | ciphertext with tag``. The plain text is a tar stream:
``manifest.json`` then the dump.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

FORMAT_VERSION = 1
MAGIC = b"ZHUSANBK"
CHUNK_SIZE = 1 << 20
SALT_SIZE = 16
NONCE_PREFIX_SIZE = 7
KEY_CHECK_SIZE = 16
HEADER_SIZE = len(MAGIC) + 1 + SALT_SIZE + NONCE_PREFIX_SIZE + KEY_CHECK_SIZE
TAG_SIZE = 16
MANIFEST_NAME = "manifest.json"
MANIFEST_MAX_BYTES = 64 << 20
DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}

# A DB-API cursor: Django's cursor wrapper or sqlite3's own.
Cursor = Any


class BackupError(Exception):
    """A backup, check or restore refused; the message tells the operator what to do."""


# --- The key ---------------------------------------------------------------------


@dataclass(frozen=True)
class BackupKey:
    key: bytes
    derived: bool = False  # derived from SECRET_KEY (debug only), not configured


def new_key() -> str:
    """A fresh backup key: 32 random bytes in URL-safe base64."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def parse_key(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raw = b""
    if len(raw) != 32:
        raise BackupError(
            "ZHUSAN_BACKUP_KEY must be 32 random bytes in URL-safe base64; `zhusan backup new-key` makes one"
        )
    return raw


def backup_key() -> BackupKey:
    """The configured backup key; outside debug there is no fallback."""
    configured = str(getattr(settings, "ZHUSAN_BACKUP_KEY", "") or "")
    if configured:
        if configured.strip() in {k.strip() for k in settings.FIELD_ENCRYPTION_KEYS}:
            raise BackupError(
                "ZHUSAN_BACKUP_KEY must not be one of FIELD_ENCRYPTION_KEYS: keep the two keys apart "
                "(docs/operations-runbook.md); `zhusan backup new-key` makes one"
            )
        return BackupKey(parse_key(configured))
    if not settings.DEBUG:
        raise BackupError(
            "ZHUSAN_BACKUP_KEY is not set: make one with `zhusan backup new-key`, keep it apart from "
            "FIELD_ENCRYPTION_KEYS and from the archives (docs/operations-runbook.md)"
        )
    digest = hashlib.sha256(("zhusan-backup:" + settings.SECRET_KEY).encode()).digest()
    return BackupKey(digest, derived=True)


# --- The manifest ----------------------------------------------------------------


@dataclass(frozen=True)
class TableSum:
    rows: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    format_version: int
    vendor: str
    created_at: str
    migrations: list[str]
    tables: dict[str, TableSum]
    dump_name: str
    dump_sha256: str
    dump_bytes: int

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables.values())

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=1, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            raw = json.loads(data.decode("utf-8"))
            if raw["format_version"] != FORMAT_VERSION:
                raise BackupError(
                    f"archive format {raw['format_version']} is not supported by this version "
                    f"(it reads format {FORMAT_VERSION})"
                )
            return cls(
                format_version=int(raw["format_version"]),
                vendor=str(raw["vendor"]),
                created_at=str(raw["created_at"]),
                migrations=[str(m) for m in raw["migrations"]],
                tables={str(k): TableSum(int(v["rows"]), str(v["sha256"])) for k, v in raw["tables"].items()},
                dump_name=str(raw["dump_name"]),
                dump_sha256=str(raw["dump_sha256"]),
                dump_bytes=int(raw["dump_bytes"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError(f"the archive's manifest is unreadable: {exc}") from exc


def compare_tables(expected: dict[str, TableSum], actual: dict[str, TableSum]) -> list[str]:
    """Every difference between two sets of table checksums, one line each."""
    lines = []
    for name in sorted(expected.keys() | actual.keys()):
        want, got = expected.get(name), actual.get(name)
        if got is None:
            lines.append(f"{name}: missing")
        elif want is None:
            lines.append(f"{name}: not in the archive ({got.rows} rows)")
        elif want.rows != got.rows:
            lines.append(f"{name}: {got.rows} rows, the archive has {want.rows}")
        elif want.sha256 != got.sha256:
            lines.append(f"{name}: same row count ({got.rows}), different contents")
    return lines


# --- Table checksums -------------------------------------------------------------


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _table_names(cursor: Cursor, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()"
        )
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    # Sorted in Python: the order must not depend on the database's collation.
    return sorted(str(row[0]) for row in cursor.fetchall())


def _row_query(cursor: Cursor, vendor: str, table: str) -> str:
    """SQL giving each row of ``table`` as the database's own text, in a stable order.

    The database renders the values itself (PostgreSQL's row text, SQLite's
    ``quote()``), so the text is exact: no rounding of times, no decryption.
    """
    if vendor == "postgresql":
        cursor.execute(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_index i "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attnum",
            [_q(table)],
        )
        keys = [
            _q(name) + (' COLLATE "C"' if kind.startswith(("character", "text")) else "")
            for name, kind in cursor.fetchall()
        ]
        row = "zhusan_backup_row"
        order = ", ".join(keys) or f'{row}::text COLLATE "C"'
        return f"SELECT {row}::text FROM {_q(table)} AS {row} ORDER BY {order}"  # noqa: S608  (quoted catalogue names)
    cursor.execute(f"PRAGMA table_info({_q(table)})")
    columns = cursor.fetchall()
    text = " || ',' || ".join(f"quote({_q(c[1])})" for c in columns)
    keys = [_q(c[1]) for c in sorted((c for c in columns if c[5]), key=lambda c: c[5])]
    return f"SELECT {text} FROM {_q(table)} ORDER BY {', '.join(keys) or '1'}"  # noqa: S608  (quoted catalogue names)


def _checksums(cursor: Cursor, rows_cursor: Callable[[], Cursor], vendor: str) -> dict[str, TableSum]:
    sums = {}
    for table in _table_names(cursor, vendor):
        query = _row_query(cursor, vendor, table)
        digest = hashlib.sha256()
        count = 0
        with closing(rows_cursor()) as rows:
            rows.execute(query)
            while batch := rows.fetchmany(2000):
                for (text,) in batch:
                    data = ("\\N" if text is None else str(text)).encode("utf-8")
                    digest.update(len(data).to_bytes(8, "big"))
                    digest.update(data)
                    count += 1
        sums[table] = TableSum(count, digest.hexdigest())
    return sums


def database_checksums(using: str = "default") -> dict[str, TableSum]:
    """Row count and SHA-256 of every table of the database behind ``using``."""
    connection = connections[using]
    with connection.cursor() as cursor:
        return _checksums(cursor, connection.chunked_cursor, connection.vendor)


def _sqlite_file_checksums(path: Path) -> dict[str, TableSum]:
    with closing(sqlite3.connect(path)) as db:
        return _checksums(db.cursor(), db.cursor, "sqlite")


def _applied_migrations(cursor: Cursor, vendor: str) -> list[str]:
    if "django_migrations" not in _table_names(cursor, vendor):
        return []
    cursor.execute("SELECT app, name FROM django_migrations")
    return sorted(f"{app}.{name}" for app, name in cursor.fetchall())


def tables_with_rows(using: str = "default") -> list[str]:
    connection = connections[using]
    with connection.cursor() as cursor:
        names = _table_names(cursor, connection.vendor)
        occupied = []
        for name in names:
            cursor.execute(f"SELECT 1 FROM {_q(name)} LIMIT 1")  # noqa: S608  (quoted identifier from the catalogue)
            if cursor.fetchone() is not None:
                occupied.append(name)
    return occupied


# --- Encryption ------------------------------------------------------------------


def _archive_key(master: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"zhusan backup archive v1").derive(master)


def _key_check(master: bytes, salt: bytes) -> bytes:
    return hmac.new(master, b"zhusan backup key check" + salt, hashlib.sha256).digest()[:KEY_CHECK_SIZE]


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    if index >= 1 << 32:
        raise BackupError("archive too large for one backup key nonce space")
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class _EncryptingWriter(io.RawIOBase):
    """A write-only stream that encrypts what it is given into ``out``, chunk by chunk."""

    def __init__(self, out: IO[bytes], master: bytes) -> None:
        super().__init__()
        salt = secrets.token_bytes(SALT_SIZE)
        self._prefix = secrets.token_bytes(NONCE_PREFIX_SIZE)
        self._header = MAGIC + bytes([FORMAT_VERSION]) + salt + self._prefix + _key_check(master, salt)
        self._aead = AESGCM(_archive_key(master, salt))
        self._out = out
        self._buffer = bytearray()
        self._index = 0
        out.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        self._buffer += view
        while len(self._buffer) > CHUNK_SIZE:
            self._emit(bytes(self._buffer[:CHUNK_SIZE]), last=False)
            del self._buffer[:CHUNK_SIZE]
        return len(view)

    def _emit(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._index, last), plain, self._header)
        self._out.write(len(sealed).to_bytes(4, "big") + sealed)
        self._index += 1

    def close(self) -> None:
        if not self.closed:
            # Always a last chunk, even an empty one: its flag proves nothing was cut off.
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
        super().close()


class _DecryptingReader(io.RawIOBase):
    """A read-only stream of the plain text of an archive; refuses anything altered."""

    def __init__(self, source: IO[bytes], master: bytes) -> None:
        super().__init__()
        header = source.read(HEADER_SIZE)
        if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
            raise BackupError("not a Zhusan backup archive")
        version = header[len(MAGIC)]
        if version != FORMAT_VERSION:
            raise BackupError(f"archive format {version} is not supported (this version reads {FORMAT_VERSION})")
        at = len(MAGIC) + 1
        salt = header[at : at + SALT_SIZE]
        self._prefix = header[at + SALT_SIZE : at + SALT_SIZE + NONCE_PREFIX_SIZE]
        if not hmac.compare_digest(header[-KEY_CHECK_SIZE:], _key_check(master, salt)):
            raise BackupError("wrong backup key: this archive was made with another ZHUSAN_BACKUP_KEY")
        self._header = header
        self._aead = AESGCM(_archive_key(master, salt))
        self._source = source
        self._index = 0
        self._done = False
        self._plain = b""

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> bytes:
        length_bytes = self._source.read(4)
        if len(length_bytes) < 4:
            raise BackupError("the archive is truncated: its last part is missing")
        length = int.from_bytes(length_bytes, "big")
        if not TAG_SIZE <= length <= CHUNK_SIZE + TAG_SIZE:
            raise BackupError(f"the archive is damaged or was altered (part {self._index + 1})")
        sealed = self._source.read(length)
        for last in (False, True):
            try:
                plain = self._aead.decrypt(_nonce(self._prefix, self._index, last), sealed, self._header)
            except InvalidTag:
                continue
            self._index += 1
            if last:
                self._done = True
                if self._source.read(1):
                    raise BackupError("the archive was altered: data follows its end")
            return plain
        raise BackupError(f"the archive is damaged or was altered (part {self._index + 1} fails authentication)")

    def readinto(self, buffer: Any) -> int:
        while not self._plain and not self._done:
            self._plain = self._next_chunk()
        n = min(len(buffer), len(self._plain))
        buffer[:n] = self._plain[:n]
        self._plain = self._plain[n:]
        return n


# --- Dumps -----------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install PostgreSQL's client tools (Debian: postgresql-client-15)")
    return path


def _postgres_args(connection: BaseDatabaseWrapper) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump / pg_restore; the password only in the environment."""
    s = connection.settings_dict
    args = [f"--dbname={s['NAME']}"]
    if s.get("HOST"):
        args.append(f"--host={s['HOST']}")
    if s.get("PORT"):
        args.append(f"--port={s['PORT']}")
    if s.get("USER"):
        args.append(f"--username={s['USER']}")
    env = dict(os.environ)
    env.pop("PGPASSWORD", None)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if s.get("OPTIONS", {}).get(option):
            env["PG" + option.upper()] = str(s["OPTIONS"][option])
    return ["--no-password", *args], env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603  (fixed tool, no shell)
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or result.stdout.strip()}")


def _outside_transaction(connection: BaseDatabaseWrapper) -> None:
    if connection.in_atomic_block:
        raise BackupError("backups and restores run outside a transaction")


@dataclass
class _Snapshot:
    dump: Path
    tables: dict[str, TableSum] = field(default_factory=dict)
    migrations: list[str] = field(default_factory=list)


def _dump_postgresql(connection: BaseDatabaseWrapper, folder: Path) -> _Snapshot:
    snapshot = _Snapshot(folder / DUMP_NAMES["postgresql"])
    args, env = _postgres_args(connection)
    pg_dump = _tool("pg_dump")
    connection.ensure_connection()
    # pg_dump reads the snapshot this transaction exported, and the checksums are
    # computed in the same transaction: manifest and dump describe the same state.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        exported = cursor.fetchone()[0]
        _run(
            [pg_dump, "--format=custom", f"--snapshot={exported}", f"--file={snapshot.dump}", *args],
            env,
            "pg_dump",
        )
        snapshot.tables = _checksums(cursor, connection.chunked_cursor, "postgresql")
        snapshot.migrations = _applied_migrations(cursor, "postgresql")
    return snapshot


def _dump_sqlite(connection: BaseDatabaseWrapper, folder: Path) -> _Snapshot:
    snapshot = _Snapshot(folder / DUMP_NAMES["sqlite"])
    connection.ensure_connection()
    with closing(sqlite3.connect(snapshot.dump)) as copy:
        connection.connection.backup(copy)
    # Checksums of the copy itself: what the archive holds, whatever was written since.
    snapshot.tables = _sqlite_file_checksums(snapshot.dump)
    with closing(sqlite3.connect(snapshot.dump)) as copy:
        snapshot.migrations = _applied_migrations(copy.cursor(), "sqlite")
    return snapshot


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK_SIZE):
            digest.update(block)
    return digest.hexdigest()


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {connection.vendor}")
    return str(connection.vendor)


def _private_folder() -> tempfile.TemporaryDirectory[str]:
    # mkdtemp makes the folder readable by its owner only; the plain dump lives
    # there for the length of the command and is removed after.
    return tempfile.TemporaryDirectory(prefix="zhusan-backup-")


# --- Backup, verify, restore --------------------------------------------------------


def create_backup(path: Path, *, key: BackupKey, using: str = "default") -> Manifest:
    """Write an encrypted archive of the database behind ``using`` to ``path``."""
    connection = connections[using]
    vendor = _vendor(connection)
    _outside_transaction(connection)
    if path.exists():
        raise BackupError(f"{path} exists: an archive is never overwritten, choose another name")
    partial = path.with_name(path.name + ".partial")
    with _private_folder() as tmp:
        dump = _dump_postgresql if vendor == "postgresql" else _dump_sqlite
        snapshot = dump(connection, Path(tmp))
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            vendor=vendor,
            created_at=datetime.now(UTC).isoformat(),
            migrations=snapshot.migrations,
            tables=snapshot.tables,
            dump_name=snapshot.dump.name,
            dump_sha256=_sha256_file(snapshot.dump),
            dump_bytes=snapshot.dump.stat().st_size,
        )
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                writer = _EncryptingWriter(out, key.key)
                with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                    info = tarfile.TarInfo(MANIFEST_NAME)
                    data = manifest.to_json()
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
                    tar.add(snapshot.dump, arcname=snapshot.dump.name, recursive=False)
                writer.close()
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _read_archive(path: Path, key: BackupKey, folder: Path) -> tuple[Manifest, Path]:
    """Decrypt ``path``, put its dump in ``folder``, check the dump against the manifest."""
    try:
        source = path.open("rb")
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from exc
    with source, io.BufferedReader(_DecryptingReader(source, key.key), CHUNK_SIZE) as plain:
        try:
            with tarfile.open(fileobj=plain, mode="r|") as tar:
                members = _members(tar)
                first = next(members, None)
                if first is None or first[0].name != MANIFEST_NAME or first[0].size > MANIFEST_MAX_BYTES:
                    raise BackupError("the archive holds no manifest")
                manifest = Manifest.from_json(first[1].read())
                if manifest.vendor not in DUMP_NAMES or manifest.dump_name != DUMP_NAMES[manifest.vendor]:
                    raise BackupError("the archive's manifest names no dump this version reads")
                second = next(members, None)
                if second is None or second[0].name != manifest.dump_name:
                    raise BackupError("the archive holds no dump")
                dump = folder / manifest.dump_name
                digest = hashlib.sha256()
                with dump.open("wb") as out:
                    while block := second[1].read(CHUNK_SIZE):
                        digest.update(block)
                        out.write(block)
                if next(members, None) is not None:
                    raise BackupError("the archive holds more than a manifest and a dump")
        except tarfile.TarError as exc:
            raise BackupError(f"the archive's contents are unreadable: {exc}") from exc
        # Read to the authenticated end: a cut-off archive is refused even when tar stopped early.
        while plain.read(CHUNK_SIZE):
            pass
    if digest.hexdigest() != manifest.dump_sha256 or dump.stat().st_size != manifest.dump_bytes:
        raise BackupError("the dump does not match the manifest's checksum")
    return manifest, dump


def _members(tar: tarfile.TarFile) -> Iterator[tuple[tarfile.TarInfo, IO[bytes]]]:
    for member in tar:
        if not member.isfile():
            raise BackupError(f"the archive holds an unexpected entry: {member.name}")
        content = tar.extractfile(member)
        assert content is not None  # a regular file always has content
        yield member, content


@dataclass(frozen=True)
class Verified:
    manifest: Manifest
    checks: list[str]


def verify_backup(path: Path, *, key: BackupKey) -> Verified:
    """Check an archive without restoring it: key, integrity, dump checksum, and the dump itself."""
    with _private_folder() as tmp:
        manifest, dump = _read_archive(path, key, Path(tmp))
        checks = ["decrypted and authenticated", "dump checksum matches the manifest"]
        if manifest.vendor == "sqlite":
            with closing(sqlite3.connect(dump)) as db:
                if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise BackupError("the SQLite copy inside the archive fails its integrity check")
            differences = compare_tables(manifest.tables, _sqlite_file_checksums(dump))
            if differences:
                raise BackupError("the dump does not match the manifest's tables: " + "; ".join(differences))
            checks.append("every table's rows and checksum match the manifest")
        elif shutil.which("pg_restore"):
            _run([_tool("pg_restore"), "--list", str(dump)], dict(os.environ), "pg_restore --list")
            checks.append("pg_restore reads the dump's table of contents")
    return Verified(manifest, checks)


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    differences: list[str]


# --- Expiry: how a deletion reaches the backups ------------------------------------
#
# Zhusan deletes records for good when their retention period ends or a data
# subject's erasure is approved (``zhusan.dataprotection``). An archive made
# before a deletion still holds them, so archives expire: ``zhusan backup``
# removes archives of its folder older than ``ZHUSAN_BACKUP_MAX_AGE_DAYS``
# (default 35) and ``zhusan restore`` refuses one older than that. A deletion
# therefore reaches every backup within that many days (docs/operations-runbook.md).

DEFAULT_MAX_AGE_DAYS = 35
ARCHIVE_PATTERN = "zhusan-*.zbk"


def max_age() -> timedelta:
    return timedelta(days=float(getattr(settings, "ZHUSAN_BACKUP_MAX_AGE_DAYS", DEFAULT_MAX_AGE_DAYS)))


def _archive_made_at(path: Path) -> datetime:
    """When an archive was made: the UTC stamp of its name (``zhusan backup``
    names them so), else the file's modification time."""
    stamp = path.stem.rsplit("-", 1)[-1]
    try:
        return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


def prune_backups(folder: Path, *, now: datetime | None = None, keep: Path | None = None) -> list[Path]:
    """Delete the archives of ``folder`` older than the maximum age (never
    ``keep``, the one just written); return them."""
    now = now or datetime.now(UTC)
    limit = max_age()
    removed = []
    for path in sorted(folder.glob(ARCHIVE_PATTERN)):
        if keep is not None and path.resolve() == keep.resolve():
            continue
        if path.is_file() and now - _archive_made_at(path) > limit:
            path.unlink()
            removed.append(path)
    return removed


def refuse_expired(manifest: Manifest, *, now: datetime | None = None) -> None:
    """Refuse an archive older than the maximum age: records deleted since it
    was made would come back."""
    made = datetime.fromisoformat(manifest.created_at)
    age = (now or datetime.now(UTC)) - made
    if age > max_age():
        raise BackupError(
            f"this archive was made on {made:%Y-%m-%d %H:%M} UTC, {age.days} days ago: older than "
            f"ZHUSAN_BACKUP_MAX_AGE_DAYS ({max_age().days} days), it has expired. Records deleted since it was made "
            "(retention, erasure requests) would come back, so it is not restored. Nothing was written."
        )


def restore_backup(path: Path, *, key: BackupKey, using: str = "default") -> Restored:
    """Restore an archive into the empty database behind ``using``, then compare every table.

    Refuses, writing nothing, an expired archive, a database of another vendor
    or one whose tables hold rows.
    """
    connection = connections[using]
    vendor = _vendor(connection)
    _outside_transaction(connection)
    with _private_folder() as tmp:
        manifest, dump = _read_archive(path, key, Path(tmp))
        refuse_expired(manifest)
        if manifest.vendor != vendor:
            raise BackupError(
                f"this archive holds a {manifest.vendor} database and the configured database is {vendor}: "
                f"restore it into an empty {manifest.vendor} database"
            )
        occupied = tables_with_rows(using)
        if occupied:
            shown = ", ".join(occupied[:5]) + (", …" if len(occupied) > 5 else "")
            raise BackupError(
                f"the database is not empty: {len(occupied)} tables hold rows ({shown}). A backup is restored "
                "only into an empty database: create a new one and point DATABASE_URL at it. Nothing was written."
            )
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                has_tables = bool(_table_names(cursor, vendor))
            args, env = _postgres_args(connection)
            # One transaction: a restore that fails half-way leaves the database as it was.
            # Empty tables left by an earlier attempt are dropped first (--clean).
            clean = ["--clean", "--if-exists"] if has_tables else []
            command = [_tool("pg_restore"), "--exit-on-error", "--single-transaction", "--no-owner"]
            _run([*command, "--no-privileges", *clean, *args, str(dump)], env, "pg_restore")
        else:
            connection.ensure_connection()
            with closing(sqlite3.connect(dump)) as source:
                source.backup(connection.connection)
    return Restored(manifest, compare_tables(manifest.tables, database_checksums(using)))
