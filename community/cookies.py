"""The community's preference cookie (declared for the cookie table, privacy.cookies)."""

from django.utils.translation import gettext_lazy as _

from privacy.cookies import Category, declare_cookie

PLACE_COOKIE = "jl_community_place"
PLACE_COOKIE_AGE = 180 * 24 * 60 * 60

declare_cookie(
    PLACE_COOKIE,
    category=Category.PREFERENCES,
    purpose=_(
        "Remembers the place you last chose in the community's list (its number in our list "
        "of places), so the list opens there next time. Set only if you allow preference "
        "cookies."
    ),
    max_age=PLACE_COOKIE_AGE,
)
