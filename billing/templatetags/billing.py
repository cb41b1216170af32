from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()

# Currencies Stripe counts in whole units (no pence/cents).
ZERO_DECIMAL = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx",
                "vnd", "vuv", "xaf", "xof", "xpf"}  # fmt: skip
SYMBOLS = {"gbp": "£", "eur": "€", "usd": "$"}


@register.filter
def money(amount: int | None, currency: str = "") -> str:
    """Format an amount in the smallest currency unit, as the active language writes it:
    money(2500, "gbp") -> "£25.00" in English, "25,00 £" in French."""
    if amount is None:
        return ""
    code = (currency or "").lower()
    whole = code in ZERO_DECIMAL
    value = number_format(
        amount if whole else amount / 100, decimal_pos=0 if whole else 2, force_grouping=True
    )
    symbol = SYMBOLS.get(code)
    if not symbol:
        return f"{value} {code.upper()}".strip()
    # Translators: where the currency symbol goes ("£25.00"; in French "25,00 £").
    return _("%(symbol)s%(amount)s") % {"symbol": symbol, "amount": value}
