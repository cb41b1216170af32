"""The delivery report's words inside a sentence keep their capitals where they need them."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import translation

from recruiters.report import SendLine


def _summary(*statuses: str) -> str:
    line = SendLine(send=None, packets=[SimpleNamespace(status=s) for s in statuses])
    return line.summary


def test_a_summary_lowers_words_but_not_abbreviations():
    assert _summary("CV link opened", "Sent", "Sent") == "1 CV link opened, 2 sent"
    with translation.override("fr"):
        summary = _summary("CV link opened", "Opened")
    assert summary.startswith("1 lien du CV ") and "cv" not in summary
