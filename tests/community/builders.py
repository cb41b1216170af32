"""Community rows for tests: threads and comments written through the services."""

from __future__ import annotations

from community import services
from community.models import Comment, Thread
from taxonomy.models import Place


def city(name: str) -> Place:
    return Place.objects.filter(kind="city", name=name).order_by("-population").first()


def thread_by(author, *, title: str = "Job hunting in Leeds", body: str = "Any tips?",
              place: Place | None = None) -> Thread:  # fmt: skip
    return services.start_thread(author=author, title=title, body=body, place=place)


def comment_by(author, thread: Thread, body: str = "Try the agencies.") -> Comment:
    return services.add_comment(author=author, thread=thread, body=body)
