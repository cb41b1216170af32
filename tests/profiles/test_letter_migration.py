"""Letters stored as HTML before letters were typed show the same after the migration."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from profiles import services
from profiles.letters import LETTER, render_letter
from profiles.models import Profile

migration = importlib.import_module("profiles.migrations.0004_cv_chosen_and_letters_as_typed")

# As people typed them into the HTML-accepting form (stored through the allow-list).
OLD_LETTERS = [
    "Dear recruiter,\n\nI am a commercial lawyer.\n\n<strong>What I bring:</strong>\n"
    "<ul><li>deal management</li><li>GDPR advice</li></ul>\n\nKind regards,\nAmira Haddad",
    "Dear recruiter,\nI work on <strong>M&A</strong> deals & <em>contracts</em>.\n\n"
    "<ul><li>one</li><li>two <b>bold</b></li></ul>\n\n"
    'See <a href="https://me.example/x_y">my site</a> or <a href="https://a.example">'
    "https://a.example</a>.",
    "Price: 5 * 3 = 15, snake_case, [brackets], \\backslash and **stars**\n"
    "- not a list then\n1. nor this\n+ plus\na < b > c",
    "<p>Hello\nworld</p>\n<ol><li>first</li><li>second<ul><li>nested</li></ul></li></ol>\nEnd",
    "I am <strong> keen </strong>on it<strong></strong>, and <i>very</i> much so",
    'Write to <a href="mailto:sam@example.com">sam@example.com</a>',
]


@pytest.mark.parametrize("typed", OLD_LETTERS)
def test_an_old_letter_becomes_text_that_shows_the_same(typed):
    stored = LETTER.sanitise(typed)
    text = migration.as_typed(stored)
    assert not any(f"<{tag}" in text for tag in ("p>", "strong", "em", "b>", "i>", "ul", "li"))
    assert migration._shown(str(render_letter(text))) == migration._shown(
        str(LETTER.render(stored))
    )


def test_the_text_is_left_plain_where_nothing_would_change():
    text = migration.as_typed(LETTER.sanitise("Mail john_doe@example.com about 5 * 3"))
    assert text == "Mail john_doe@example.com about 5 * 3"


def test_the_migration_rewrites_stored_letters(seeker):
    profile = services.get_profile(user=seeker)
    Profile.objects.filter(pk=profile.pk).update(
        job_letter=LETTER.sanitise("Hi,\n\n<strong>Bold</strong> &amp; <ul><li>x</li></ul>")
    )
    migration.letters_as_typed(apps, None)
    assert Profile.objects.get(pk=profile.pk).job_letter == "Hi,\n\n**Bold** &\n\n- x"
