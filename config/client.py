"""Who is asking: the one place that reads a request's client address and user agent.

The ledger (audit.services.append), the pages and the API (workflows.web.request_info) and login
throttling (django-axes, AXES_CLIENT_IP_CALLABLE) all read it here, so that they agree.

X-Forwarded-For is written by whoever sends the request, and each proxy on the way appends the
address it received the request from. Only the entries appended by our own proxies can be
believed: with N trusted proxies (ARML_TRUSTED_PROXIES), the client is the Nth address from the
right; with none, it is REMOTE_ADDR and the header is ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address, believing X-Forwarded-For through the trusted proxies only."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = getattr(settings, "ARML_TRUSTED_PROXIES", 0)
    if trusted > 0:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if forwarded:
            # Fewer entries than proxies: the request crossed fewer of ours than configured;
            # every entry was then appended by one of them, the left-most is the client.
            candidate = forwarded[-trusted] if len(forwarded) >= trusted else forwarded[0]
            return _valid(candidate) or _valid(remote)
    return _valid(remote)


def request_info(request: HttpRequest) -> dict[str, str]:
    """IP address and user agent, as `audit.services.append(request_info=...)` takes them."""
    return {"ip": client_ip(request), "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300]}


def _valid(address: str) -> str:
    address = address.strip()
    if address.startswith("[") and "]" in address:  # [2001:db8::1]:443
        address = address[1 : address.index("]")]
    elif address.count(":") == 1:  # 192.0.2.1:443
        address = address.partition(":")[0]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""
