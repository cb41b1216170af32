"""Who may open a view: one declaration next to every view whose address names an object.

Every URL pattern that takes an id, a slug or a token says who may use it, with
``@access(...)`` on the view (or the admin view a ``ModelAdmin`` adds)::

    @access(OWNER)
    @login_required
    def cv_download(request, pk): ...

``tests/core/test_access_matrix.py`` walks the URL resolver and requests every such
pattern as the owner, another seeker, a visitor, staff without the permission and the
holder of another link's token, expecting what the declaration promises; a pattern
without one fails that test, so no address ships unreviewed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

# The signed-in person's own object; anyone else's is a 404, a visitor is asked to sign in.
OWNER = "owner"
# Anyone may read it (a hidden or missing object is a 404 for everyone alike).
PUBLIC = "public"
# Any signed-in person, about a shared thing (a plan, a thread) or their own data.
SIGNED_IN = "signed-in"
# The link is the key: whoever holds the token; any other token is a 404.
BEARER = "bearer"
# Staff holding ``permission`` ("app_label.codename"); other staff get a 403.
STAFF = "staff"

RULES = (OWNER, PUBLIC, SIGNED_IN, BEARER, STAFF)

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class Access:
    rule: str
    permission: str = ""


def access(rule: str, permission: str = "") -> Callable[[View], View]:
    """Declare who may use the view; ``permission`` only (and always) with ``STAFF``."""
    if rule not in RULES or (rule == STAFF) != bool(permission):
        raise ValueError(f"access({rule!r}, {permission!r}): not a rule this module knows")

    def declare(view: View) -> View:
        view.access = Access(rule, permission)  # type: ignore[attr-defined]
        return view

    return declare
