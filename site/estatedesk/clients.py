"""The real client address of a request, behind a known number of trusted proxies.

Every proxy in front of us appends the address it received the request from to
``X-Forwarded-For``; ``REMOTE_ADDR`` is the nearest proxy. With ``TRUSTED_PROXY_COUNT = n`` the
client is therefore the n-th entry from the right: everything further left was written by the
client (or by proxies we do not run) and can be forged, so it is never read. ``0`` means no
proxy: ``REMOTE_ADDR`` is the client. Login throttling (django-axes) and the public-form guard
both key on this one function.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if not entries:
        # Reached us without the proxies (a health check from inside the network).
        return remote
    # Fewer entries than proxies: an inner proxy was skipped; the left-most entry is the
    # furthest hop we know of, and it was written by a proxy we run.
    candidate = entries[-count] if len(entries) >= count else entries[0]
    return _valid(candidate) or remote


def client_ip_or_none(request) -> str | None:
    """For django-axes, whose logs store an IP address column: None when there is none (a test
    client's ``force_login`` has no ``REMOTE_ADDR``; PostgreSQL's inet type refuses "unknown")."""
    return _valid(client_address(request))
