from __future__ import annotations

from .models import User


def update_user_name(*, user: User, name: str) -> User:
    user.name = name.strip()
    user.save(update_fields=["name"])
    return user
