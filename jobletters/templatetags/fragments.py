"""``{% fragment "name" key… %}…{% endfragment %}``: see jobletters.lib.fragments.

The block renders once per process for each value of its key (resolved from the
context) and comes from memory afterwards, so whatever it reads is only read then.
"""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token

from jobletters.lib.fragments import fragment

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, name: FilterExpression, key: list[FilterExpression], nodelist: NodeList):
        self.name = name
        self.key = key
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        name = str(self.name.resolve(context))
        key = [part.resolve(context) for part in self.key]
        return fragment(name, *key, render=lambda: self.nodelist.render(context))


@register.tag("fragment")
def do_fragment(parser: Parser, token: Token) -> FragmentNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(
        parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]], nodelist
    )
