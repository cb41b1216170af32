"""The URL map as the resolver has it: every pattern, its name, its view and its parameters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Pattern:
    route: str  # as written, e.g. "profile/cv/<int:pk>/delete/"
    name: str  # namespaced, e.g. "profiles:cv_delete" ("" when the pattern has none)
    view: Callable[..., Any]
    parameters: tuple[str, ...]

    def __str__(self) -> str:
        return self.name or self.route


def patterns() -> Iterator[Pattern]:
    yield from _walk(get_resolver().url_patterns, "", "", ())


def _walk(entries: list[Any], prefix: str, namespace: str, outer: tuple[str, ...]):
    for entry in entries:
        names = outer + tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner, names)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield Pattern(prefix + str(entry.pattern), name, entry.callback, names)
