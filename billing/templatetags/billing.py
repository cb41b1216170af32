from __future__ import annotations

from django import template

register = template.Library()

# Currencies Stripe counts in whole units (no pence/cents).
ZERO_DECIMAL = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx",
                "vnd", "vuv", "xaf", "xof", "xpf"}  # fmt: skip
SYMBOLS = {"gbp": "£", "eur": "€", "usd": "$"}


@register.filter
def money(amount: int | None, currency: str = "") -> str:
    """Format an amount in the smallest currency unit: money(2500, "gbp") -> "£25.00"."""
    if amount is None:
        return ""
    code = (currency or "").lower()
    value = f"{amount:,}" if code in ZERO_DECIMAL else f"{amount / 100:,.2f}"
    symbol = SYMBOLS.get(code)
    return f"{symbol}{value}" if symbol else f"{value} {code.upper()}".strip()
