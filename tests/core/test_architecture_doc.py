"""The design documentation stays inside the repository and current with the URL map."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _routes(patterns, prefix: str = ""):
    """Every address the project itself routes (allauth's and the admin's are theirs)."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", "")
            if module.startswith("allauth") or pattern.app_name == "admin":
                continue
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield "/" + route


def _placeholders(text: str) -> str:
    return re.sub(r"<[^>]+>", "<>", text)


def test_every_routed_address_is_in_the_architecture_url_map():
    doc = _placeholders((ROOT / "docs" / "architecture.md").read_text())
    listed = set(re.findall(r"`(/[^`\s]*)`", doc))
    missing = sorted(
        route
        for route in set(_routes(get_resolver().url_patterns))
        if _placeholders(route) not in listed
    )
    assert missing == [], f"add these to the URL map in docs/architecture.md: {missing}"


def test_the_documentation_links_only_files_in_the_repository():
    for doc in DOCS:
        text = doc.read_text()
        assert "../shared" not in text and "DESIGN.md" not in text, doc
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (doc.parent / target).exists(), f"{doc.name} links to missing {target}"
