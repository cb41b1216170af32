"""Every string marked for translation in the code is in the French catalogue.

``makemessages`` is run on a scratch copy of the sources (so the committed catalogue
is never touched) and its messages are compared with ``locale/fr/LC_MESSAGES/django.po``:
a string added to a page or an email without updating the catalogue fails here, instead
of showing in English to French readers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "node_modules", "var", "build", "tests", "bench", "locale", ".git", "docs",
        "staticfiles"}  # fmt: skip
# The same options as docs/features.md's "Updating the catalogue".
MAKEMESSAGES = ["makemessages", "-l", "fr", "--no-obsolete", "--ignore=.venv", "--ignore=var"]


def _sources(destination: Path) -> None:
    """What makemessages reads: Python, templates and scripts (no data files)."""
    wanted = {".py", ".html", ".txt", ".js", ".toml"}
    for path in ROOT.iterdir():
        if path.name in SKIP or path.name.startswith("."):
            continue
        if path.is_file():
            if path.suffix in wanted:
                shutil.copy2(path, destination / path.name)
            continue
        for file in path.rglob("*"):
            if file.is_file() and file.suffix in wanted and "__pycache__" not in file.parts:
                target = destination / file.relative_to(ROOT)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(file, target)


def _entries(po_path: Path) -> set[tuple[str | None, str]]:
    catalogue = polib.pofile(str(po_path))
    return {(entry.msgctxt, entry.msgid) for entry in catalogue if not entry.obsolete}


# The pages' and emails' catalogue, and the scripts' (static/js/, served at /jsi18n/).
@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_marked_string_is_in_the_french_catalogue(tmp_path, domain):
    assert shutil.which("xgettext"), "GNU gettext is needed (make test installs it)"
    copy = tmp_path / "src"
    copy.mkdir()
    _sources(copy)
    (copy / "locale" / "fr" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy2(ROOT / f"locale/fr/LC_MESSAGES/{domain}.po", copy / "locale/fr/LC_MESSAGES")
    env = {**os.environ, "PYTHONPATH": str(copy)}
    env.pop("DATABASE_URL", None)  # makemessages needs no database
    subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES, "--domain", domain],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    extracted = _entries(copy / f"locale/fr/LC_MESSAGES/{domain}.po")
    committed = _entries(ROOT / f"locale/fr/LC_MESSAGES/{domain}.po")
    missing = sorted(msgid for _, msgid in extracted - committed)
    assert missing == [], (
        f"not in the French catalogue (see docs/features.md, Languages): {missing[:20]}"
    )
    stale = sorted(msgid for _, msgid in committed - extracted)
    assert stale == [], f"in the catalogue but no longer in the code: {stale[:20]}"
