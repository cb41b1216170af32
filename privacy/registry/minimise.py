"""Coarser versions of personal data, for :class:`privacy.registry.retention.Reduce` rules."""

from __future__ import annotations

import ipaddress

IPV4_PREFIX = 24  # 203.0.113.77 -> 203.0.113.0: the network, not the machine
IPV6_PREFIX = 48  # 2001:db8:1234:5678::1 -> 2001:db8:1234::: a site, not a device


def truncate_ip(value: str | None) -> str | None:
    """The address's network (/24 for IPv4, /48 for IPv6); applying it twice changes nothing.

    Anything that is not an IP address is dropped (``None``) rather than kept.
    """
    if not value:
        return None
    try:
        address = ipaddress.ip_address(str(value).strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = IPV4_PREFIX if address.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)
