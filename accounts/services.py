from __future__ import annotations

from .models import User


def update_user_name(*, user: User, name: str) -> User:
    # The field's own cleaning (accounts.names): whoever calls this, the name saved is
    # normalised and checked, as a form would have it.
    user.name = User._meta.get_field("name").clean(name, user)
    user.save(update_fields=["name"])
    return user
