"""Safe markup for public posts (``jobletters.lib.markup``): the job letter's tags plus
quotes; every link gets ``rel="nofollow noopener noreferrer ugc"``."""

from __future__ import annotations

from jobletters.lib.markup import SafeMarkup, editable, plain_length

POSTS = SafeMarkup(
    tags={"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote"},
    link_rel="nofollow noopener noreferrer ugc",
)

sanitise = POSTS.sanitise
render = POSTS.render

__all__ = ["editable", "plain_length", "render", "sanitise"]
