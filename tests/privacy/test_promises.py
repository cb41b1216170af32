"""The numbers the policy, the terms and our pages promise (privacy/promises.py).

``manage.py check`` refuses a value that breaks a promise, the environment cannot
change one, and docs/architecture.md shows each with the code and tests that keep it.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import translation
from django.utils.html import escape

from privacy import promises
from privacy.checks import promises_kept

ROOT = Path(__file__).resolve().parents[2]
ARCHITECTURE = ROOT / "docs" / "architecture.md"
TABLE_START, TABLE_END = "<!-- promises: start -->", "<!-- promises: end -->"


def test_the_promised_values_pass_the_checks():
    assert promises_kept() == []


@pytest.mark.parametrize(
    ("breaking", "check_ids"),
    [
        ({"DELETION_GRACE_DAYS": 30}, "privacy.E002"),  # no time left to erase by the deadline
        ({"DELETION_DEADLINE_DAYS": 31}, "privacy.E003"),
        ({"POLICY_NOTICE_DAYS": 29}, "privacy.E004"),
        ({"EXPORT_INTERVAL_HOURS": 7 * 24 + 1}, "privacy.E005"),
        ({"EXPORT_EXPIRY_DAYS": 0}, "privacy.E005 privacy.E008"),
        ({"DELETION_GRACE_DAYS": 1}, "privacy.E006"),  # no new copy during the grace period
        ({"PACKET_VALID_DAYS": 181}, "privacy.E007"),
        ({"RESEND_AFTER_DAYS": 29}, "privacy.E007"),
        ({"SIGN_IN_IP_TRUNCATE_DAYS": 90}, "privacy.E009"),
        ({"BACKUP_RETENTION_DAYS": 8 * 7 + 1}, "privacy.E010"),
        # The values of the report that started this: "no issues" then.
        (
            {
                "DELETION_GRACE_DAYS": 500,
                "DELETION_DEADLINE_DAYS": 400,
                "POLICY_NOTICE_DAYS": 1,
            },
            "privacy.E002 privacy.E003 privacy.E004",
        ),
    ],
)
def test_a_value_that_breaks_a_promise_is_refused(monkeypatch, breaking, check_ids):
    for name, value in breaking.items():
        monkeypatch.setattr(promises, name, value)
    assert {error.id for error in promises_kept()} == set(check_ids.split())


@pytest.mark.parametrize("name", sorted(promises.PROMISES))
def test_every_promised_period_is_at_least_one(monkeypatch, name):
    monkeypatch.setattr(promises, name, 0)
    errors = [error for error in promises_kept() if error.id == "privacy.E008"]
    assert len(errors) == 1 and name in errors[0].msg


def test_manage_py_check_stops_on_a_broken_promise(monkeypatch):
    monkeypatch.setattr(promises, "POLICY_NOTICE_DAYS", 1)
    with pytest.raises(SystemCheckError, match=r"privacy\.E004"):
        call_command("check")


def test_the_environment_cannot_change_a_promise():
    breaking = {name: "1" for name in promises.PROMISES}
    # Names the settings once read these periods from.
    breaking |= {
        "PRIVACY_DELETION_GRACE_DAYS": "500",
        "PRIVACY_DELETION_DEADLINE_DAYS": "400",
        "POLICY_NOTICE_DAYS": "1",
        "RECRUITERS_PACKET_VALID_DAYS": "1000",
    }
    script = (
        "import django; django.setup(); "
        "from django.core.management import call_command; call_command('check'); "
        "from privacy import promises; "
        "print({name: int(value) for name, value in promises.PROMISES.items()})"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **breaking},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    promised = {name: int(value) for name, value in promises.PROMISES.items()}
    assert result.stdout.strip().splitlines()[-1] == str(promised)


def _plain(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split())


@pytest.mark.parametrize("name", sorted(promises.PROMISES))
def test_each_promise_quotes_the_policy_and_terms_word_for_word(name):
    documents = {
        "Policy": _plain((ROOT / "privacy/policy/v1.txt").read_text()),
        "Terms": _plain((ROOT / "privacy/policy/terms-v1.txt").read_text()),
    }
    quotes = re.findall(r"(Policy|Terms) §[\d.]+:[^“]*“([^”]*)”", promises.PROMISES[name].words)
    assert quotes, f"{name} quotes neither the policy nor the terms"
    for document, quote in quotes:
        for part in filter(None, (p.strip() for p in _plain(quote).split("[…]"))):
            assert part in documents[document], f"{name}: {part!r} is not in the {document}"


# --- The promise → code → test table of docs/architecture.md ---------------------------------


def test_the_architecture_doc_shows_every_promise_with_its_code_and_tests():
    text = ARCHITECTURE.read_text()
    assert text.count(TABLE_START) == 1 and text.count(TABLE_END) == 1
    shown = text.split(TABLE_START)[1].split(TABLE_END)[0].strip("\n") + "\n"
    assert shown == promises.markdown_table(), (
        "docs/architecture.md's promise table is out of date: replace it with the output of "
        "python -c 'from privacy.promises import markdown_table; print(markdown_table())'"
    )


def _resolve(reference: str) -> object:
    module, _, qualname = reference.partition(":")
    found: object = importlib.import_module(module)
    for part in filter(None, qualname.split(".")):
        found = getattr(found, part)
    return found


@pytest.mark.parametrize("name", sorted(promises.PROMISES))
def test_each_promise_names_code_that_exists_and_reads_it(name):
    promise = promises.PROMISES[name]
    assert promise.code, name
    sources = [inspect.getsource(_resolve(reference)) for reference in promise.code]
    assert any(f"promises.{name}" in source for source in sources), (
        f"none of {promise.code} reads promises.{name}"
    )


def _test_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }


@pytest.mark.parametrize("name", sorted(promises.PROMISES))
def test_each_promise_names_tests_that_exist(name):
    promise = promises.PROMISES[name]
    assert promise.tests, name
    for reference in promise.tests:
        path, _, function = reference.partition("::")
        assert (ROOT / path).is_file(), reference
        assert function in _test_functions(ROOT / path), reference


# --- Every section of the policy and the terms, mapped to the checks that keep it -------------


def _sections(name: str) -> set[str]:
    from privacy.policy_text import parse_policy

    blocks = parse_policy((ROOT / "privacy/policy" / name).read_text())
    return {block.number for block in blocks if block.paragraphs}


def test_every_section_of_the_policy_and_the_terms_is_a_clause_or_says_why_not():
    documents = {promises.PRIVACY: _sections("v1.txt"), promises.TERMS: _sections("terms-v1.txt")}
    mapped = {(clause.document, clause.section) for clause in promises.CLAUSES}
    excused = set(promises.NO_PROMISE)
    every = {(document, number) for document, numbers in documents.items() for number in numbers}
    assert every - mapped - excused == set(), "sections with no clause and no reason"
    assert (mapped | excused) - every == set(), "clauses or reasons for sections that do not exist"
    assert mapped & excused == set(), "a section cannot both promise and promise nothing"
    assert all(reason.strip() for reason in promises.NO_PROMISE.values())


def test_each_clause_names_tests_that_exist_once():
    defined: dict[str, int] = {}
    for path in (ROOT / "tests").rglob("test_*.py"):
        for name in _test_functions(path):
            defined[name] = defined.get(name, 0) + 1
    for clause in promises.CLAUSES:
        assert clause.tests, clause
        for name in clause.tests:
            assert defined.get(name) == 1, f"{clause.document} §{clause.section}: {name}"


def test_the_promises_page_shows_each_promise_with_its_checks(client, db):
    response = client.get("/privacy/promises/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]  # the same for every visitor
    html = response.content.decode()
    for clause in promises.CLAUSES:
        assert escape(str(clause.words)) in html
        for name in clause.tests:
            assert f"<code>{name}</code>" in html
    assert "Terms of service §3.2" in html
    for page in ("/privacy/", "/privacy/data/"):  # the policy page and the footer link to it
        assert 'href="/privacy/promises/"' in client.get(page).content.decode()


def test_the_promises_page_is_in_french_for_french_readers(client, db):
    html = client.get("/privacy/promises/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Comment nous tenons nos promesses" in html
    for clause in promises.CLAUSES:
        with translation.override("fr"):
            french = str(clause.words)
        with translation.override("en"):
            assert french != str(clause.words), f"{clause.words} has no French"
        assert escape(french) in html
