"""Turns the policy's plain text into headed sections for display: a section starts with
its number ("2." or "2.1.") at the beginning of a line; a subsection's title is its first sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings

_TOP = re.compile(r"^(\d+)\.\s+(\S.*)$")
# Where a text gives our contact address it writes "{support_email}" (version 1 of the
# policy and terms named an address that was never ours there); readers see the
# configured SUPPORT_EMAIL, the one the footer and the emails give.
_CONTACT = re.compile(r"\{support_email\}|support@jobnexus\.com")


_SUB = re.compile(r"^(\d+\.\d+)\.\s*(.*)$")


@dataclass
class PolicyBlock:
    number: str
    title: str
    level: int
    paragraphs: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return "s" + self.number.replace(".", "-") if self.number else "intro"


def parse_policy(text: str) -> list[PolicyBlock]:
    blocks: list[PolicyBlock] = [PolicyBlock(number="", title="", level=0)]
    pending_title = False
    buffer: list[str] = []

    def flush() -> None:
        nonlocal pending_title
        body = " ".join(" ".join(buffer).split())
        buffer.clear()
        if not body:
            return
        block = blocks[-1]
        if pending_title:
            title, sep, rest = body.partition(". ")
            block.title = title.rstrip(".")
            body = rest if sep else ""
            pending_title = False
        if body:
            block.paragraphs.append(body)

    for raw in _CONTACT.sub(lambda _match: settings.SUPPORT_EMAIL, text).splitlines():
        line = raw.strip()
        if sub := _SUB.match(line):
            flush()
            blocks.append(PolicyBlock(number=sub.group(1), title="", level=2))
            pending_title = True
            if sub.group(2):
                buffer.append(sub.group(2))
        elif top := _TOP.match(line):
            flush()
            blocks.append(PolicyBlock(number=top.group(1), title=top.group(2).strip(), level=1))
        elif line:
            buffer.append(line)
    flush()
    return [b for b in blocks if b.title or b.paragraphs]
