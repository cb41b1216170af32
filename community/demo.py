"""Demo threads about job hunting in London, with comments, so /community/ has something."""

from __future__ import annotations

from typing import Any

from jobletters import demo
from taxonomy import search
from taxonomy.models import Place

from . import services
from .models import Thread

THREADS = [
    (
        "Job hunting in London as a lawyer",
        "I am looking for an in-house role in London. Which agencies have you found "
        "<strong>actually reply</strong>?",
        "London",
        ["The smaller specialist agencies answered me within a week.",
         "Ask for a call rather than email: it made a difference for me."],
    ),
    (
        "Remote roles: worth it?",
        "Has anyone found a fully remote legal job? How did you search?",
        "Remote",
        ["Yes, through a recruiter who only does remote placements."],
    ),
]  # fmt: skip


@demo.register
def load(*, seeker: Any, staff: Any, stdout: Any) -> None:
    for title, body, place_words, comments in THREADS:
        if Thread.objects.filter(title=title).exists():
            continue
        found = search.search_places(place_words, limit=1)
        place = Place.objects.filter(pk=found[0].id).first() if found else None
        thread = services.start_thread(author=seeker, title=title, body=body, place=place)
        for n, text in enumerate(comments):
            # Staff answer too, so the thread shows more than one person.
            services.add_comment(author=staff if n % 2 == 0 else seeker, thread=thread, body=text)
    stdout.write("community: demo threads about London and remote work.")
