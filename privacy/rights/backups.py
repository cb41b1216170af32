"""Backups that stay forgotten (§5: "latency in deleting … from our servers and backup storage").

A backup is a folder of the database, the file store (tar) and a manifest; backups older than
``promises.BACKUP_RETENTION_DAYS`` are deleted. Restoring one replays every erasure recorded
since (tombstones from the live database and the file-store journal), so a deleted person
never comes back.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, connections
from django.utils import timezone

from privacy import promises
from privacy.models import Tombstone
from privacy.rights.erasure import erase_person, journaled_hashes, subject_hash

STAMP = "%Y%m%dT%H%M%SZ"
_TIMEOUT = 60 * 60


@dataclass
class BackupResult:
    path: Path
    files: int
    pruned: int


def make_backup(*, dest: Path | None = None, now: datetime | None = None) -> BackupResult:
    now = now or timezone.now()
    root = Path(dest or settings.BACKUP_DIR)
    folder = root / now.strftime(STAMP)
    folder.mkdir(mode=0o700, parents=True, exist_ok=False)
    vendor = connection.vendor
    if vendor == "postgresql":
        _pg("pg_dump", "--format=custom", "--no-owner", f"--file={folder / 'database.dump'}")
    else:
        with closing(sqlite3.connect(folder / "database.sqlite3")) as copy:
            connection.ensure_connection()
            connection.connection.backup(copy)
    files = _tar_file_store(folder / "files.tar")
    (folder / "manifest.json").write_text(
        json.dumps({"created_at": now.isoformat(), "database": vendor, "files": files})
    )
    return BackupResult(path=folder, files=files, pruned=prune_backups(root=root, now=now))


def prune_backups(*, root: Path | None = None, now: datetime | None = None) -> int:
    """Backups older than promises.BACKUP_RETENTION_DAYS go (with whoever was erased since)."""
    root = Path(root or settings.BACKUP_DIR)
    cutoff = (now or timezone.now()) - timedelta(days=promises.BACKUP_RETENTION_DAYS)
    pruned = 0
    for folder in sorted(root.glob("*T*Z")):
        try:
            made = datetime.strptime(folder.name, STAMP).replace(tzinfo=cutoff.tzinfo)
        except ValueError:
            continue
        if made < cutoff:
            shutil.rmtree(folder)
            pruned += 1
    return pruned


def _pg(program: str, *args: str) -> None:
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    command = [
        program,
        f"--host={db.get('HOST') or '127.0.0.1'}",
        f"--port={db.get('PORT') or 5432}",
        f"--username={db.get('USER') or 'postgres'}",
        f"--dbname={db['NAME']}",
        *args,
    ]
    # Fixed programs and our own settings, no shell: nothing here comes from a request.
    subprocess.run(command, env=env, check=True, timeout=_TIMEOUT, capture_output=True)  # noqa: S603


def _tar_file_store(target: Path) -> int:
    count = 0
    with tarfile.open(target, "w") as tar:
        for name in _all_names():
            with default_storage.open(name, "rb") as handle:
                info = tarfile.TarInfo(name)
                info.size = default_storage.size(name)
                info.mode = 0o600
                tar.addfile(info, handle)
            count += 1
    return count


def _all_names(prefix: str = "") -> list[str]:
    folders, files = default_storage.listdir(prefix)
    names = [f"{prefix}{f}" for f in files]
    for folder in folders:
        names += _all_names(f"{prefix}{folder}/")
    return names


def restore_backup(folder: Path) -> int:
    """Put a backup back, then replay every erasure since. Returns people erased again."""
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    if manifest["database"] != connection.vendor:
        raise ValueError(f"This backup is of a {manifest['database']} database.")
    carried = _known_tombstones()
    connections.close_all()
    if connection.vendor == "postgresql":
        _pg("pg_restore", "--clean", "--if-exists", "--no-owner", str(folder / "database.dump"))
    else:
        with closing(sqlite3.connect(folder / "database.sqlite3")) as backup:
            connection.ensure_connection()
            backup.backup(connection.connection)
    _untar_file_store(folder / "files.tar")
    Tombstone.objects.bulk_create(carried, ignore_conflicts=True)
    return replay_erasures()


def _known_tombstones() -> list[Tombstone]:
    """Every erasure recorded now: the live database's tombstones and the journal's."""
    rows: dict[str, Tombstone] = {}
    try:
        for row in Tombstone.objects.filter(erased_at__isnull=False):
            row.pk = None  # written again into the restored database, under a new id
            rows[row.subject_hash] = row
    except DatabaseError:  # the live database is lost: the journal is what remains
        pass
    for digest in journaled_hashes():
        rows.setdefault(
            digest,
            Tombstone(subject_hash=digest, phase=4, erased_at=timezone.now(), journaled=True),
        )
    return list(rows.values())


def _untar_file_store(source: Path) -> None:
    with tarfile.open(source) as tar:
        for member in tar.getmembers():
            if not member.isfile() or member.name.startswith(("/", "..")) or ".." in member.name:
                continue
            handle = tar.extractfile(member)
            if handle is None:
                continue
            default_storage.delete(member.name)
            with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
                shutil.copyfileobj(handle, spool)
                spool.seek(0)
                default_storage.save(member.name, File(spool, name=member.name))


def replay_erasures() -> int:
    """Erase again everyone a tombstone names (after a restore). Returns how many."""
    erased = set(
        Tombstone.objects.filter(erased_at__isnull=False).values_list("subject_hash", flat=True)
    )
    erased |= journaled_hashes()
    if not erased:
        return 0
    again, failed = 0, []
    people = get_user_model()._default_manager.values_list("pk", "date_joined")
    for pk, joined in list(people.iterator(chunk_size=5000)):
        digest = subject_hash(pk, joined)
        if digest not in erased:
            continue
        # Every phase again: the restore brought back rows and files done before.
        Tombstone.objects.filter(subject_hash=digest).update(phase=0)
        try:
            erase_person(pk, final_email=False)
        except Exception as exc:
            failed.append(f"{digest[:12]}: {exc.__class__.__name__}")
            continue
        again += 1
    if failed:
        raise ReplayIncomplete(f"{len(failed)} erasures could not be replayed: {failed}")
    return again


class ReplayIncomplete(Exception):
    """Some people could not be erased again (e.g. Stripe unreachable): run the replay again."""
