"""Production settings are checked at start-up and pass Django's deploy checks."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x3-" + "k" * 60 + "-production-like-secret",
    "ALLOWED_HOSTS": "jobletters.example",
    "SITE_URL": "https://jobletters.example",
    "MFA_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi1saWtlLWtleS1mb3ItdGhlLXRlc3Q=",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    unwanted = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_checks_pass_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_secret_key_is_a_clear_start_up_error():
    env = {**PRODUCTION}
    del env["SECRET_KEY"]
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_missing_site_url_is_a_clear_start_up_error():
    env = {**PRODUCTION}
    del env["SITE_URL"]
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "SITE_URL must be set when DEBUG is off" in result.stderr


def test_missing_allowed_hosts_is_a_clear_start_up_error():
    env = {**PRODUCTION}
    del env["ALLOWED_HOSTS"]
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr


def test_security_settings():
    # The suite swaps in a fast hasher, so read what the settings module configures.
    from config import settings as configured

    assert configured.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    directives = configured.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert configured.CACHES["default"]["BACKEND"] != "django.core.cache.backends.dummy.DummyCache"


def test_pages_send_security_headers(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def _variables_the_settings_read() -> set[str]:
    """Every name passed to ``env(…)``, ``env.<cast>(…)`` or ``_required_in_production(…)``."""
    tree = ast.parse((ROOT / "config" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        called = node.func
        if (
            (isinstance(called, ast.Name) and called.id in {"env", "_required_in_production"})
            or (isinstance(called, ast.Attribute) and ast.unparse(called.value) == "env")
        ) and isinstance(node.args[0], ast.Constant):
            names.add(node.args[0].value)
    return names


def _readme_configuration_table() -> list[str]:
    """The first cell of each row of the table in docs/configuration.md."""
    page = (ROOT / "docs" / "configuration.md").read_text()
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    return [row.split("|")[1].strip() for row in rows]


def test_the_configuration_page_lists_every_environment_variable_once_and_nothing_else():
    read = _variables_the_settings_read()
    cells = _readme_configuration_table()
    assert all(re.fullmatch(r"`[A-Z0-9_]+`", cell) for cell in cells), "one variable per row"
    listed = [cell.strip("`") for cell in cells]
    assert len(listed) == len(set(listed))
    assert sorted(listed) == sorted(read)
    # A deployment chooses secrets, addresses and services; everything else is a constant.
    assert len(read) <= 30
