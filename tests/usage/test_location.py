"""§2.8: no location is derived from IP addresses (no GeoIP database, no code that reads one)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "node_modules", "var", "tests", "build", "staticfiles", ".git"}


def test_no_geoip_database_is_configured_or_read():
    assert not getattr(settings, "GEOIP_PATH", None)
    assert "django.contrib.gis" not in settings.INSTALLED_APPS
    readers = []
    for path in ROOT.rglob("*.py"):
        if SKIP & set(path.relative_to(ROOT).parts):
            continue
        text = path.read_text(errors="replace").lower()
        if "geoip" in text or "maxminddb" in text:
            readers.append(str(path.relative_to(ROOT)))
    assert readers == []
