"""How often one address may ask for something, counted in the cache every process shares.

Fixed windows: a counter per address and window, created with the window's lifetime and
incremented atomically (Redis INCR; the file cache of embedded mode may miss a count when two
processes race, which only errs towards letting a request through).
"""

import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address (a signer's, a login's, a verifier's): behind the TLS proxy
    (BEHIND_HTTPS_PROXY) the last hop it appended to X-Forwarded-For, which a client cannot forge;
    otherwise the connection's address."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or None


def address_key(address: str | None) -> str:
    """An IPv4 address as it is; an IPv6 address by its /64, the block one subscriber holds."""
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def retry_after(scope: str, who: str, *, limit: int, seconds: int) -> int:
    """Count one request of ``who`` in ``scope``: 0 when it is within ``limit`` per ``seconds``,
    else how many seconds until the window ends and they may ask again."""
    now = time.time()
    window = int(now // seconds)
    key = f"rate:{scope}:{who}:{window}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    # The counter expired between add and incr.
    except ValueError:
        cache.set(key, 1, timeout=seconds)
        count = 1
    if count <= limit:
        return 0
    return max(1, math.ceil((window + 1) * seconds - now))
