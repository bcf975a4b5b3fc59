"""Rate limiting per client for the public pages: fixed windows counted in Django's
cache, with separate budgets for pages, the API and request submissions.

Budgets: settings.KNUTPUNKT_PUBLIC_RATES (e.g. {"page": "120/minute"}) over the
environment (KNUTPUNKT_PUBLIC_RATE_PAGE, _API, _REQUEST) over the defaults below.
The cache is settings.KNUTPUNKT_PUBLIC_RATE_CACHE ("default"; the local-memory
default counts per process — use a shared cache such as Redis or the database cache
when several processes serve the site). The client is REMOTE_ADDR, or the address the
proxy appended to X-Forwarded-For when settings.KNUTPUNKT_TRUSTED_PROXY is set.
"""

import functools
import hashlib
import math
import os
import time

from django.conf import settings
from django.core.cache import caches

DEFAULT_RATES = {"page": "120/minute", "api": "60/minute", "request": "5/hour"}
PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int] | None:
    if not rate:
        return None
    count, _, period = rate.partition("/")
    period = period.strip().lower()
    seconds = PERIODS.get(period) or PERIODS.get(period.rstrip("s")) or int(period)
    return int(count), seconds


def rate_for(bucket: str) -> tuple[int, int] | None:
    configured = getattr(settings, "KNUTPUNKT_PUBLIC_RATES", None) or {}
    if bucket in configured:  # None or "" switches the limit off
        return parse_rate(configured[bucket])
    return parse_rate(os.environ.get(f"KNUTPUNKT_PUBLIC_RATE_{bucket.upper()}") or DEFAULT_RATES[bucket])


def client_address(request) -> str:
    if getattr(settings, "KNUTPUNKT_TRUSTED_PROXY", False):
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            # The last address is the one our proxy saw; anything before it the client could write.
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(request, bucket: str) -> int | None:
    """Count one request; None when within budget, else seconds until the next window."""
    rate = rate_for(bucket)
    if rate is None:
        return None
    limit, period = rate
    now = time.time()
    window = int(now // period)
    client = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    key = f"publicdiary:rl:{bucket}:{client}:{window}"
    cache = caches[getattr(settings, "KNUTPUNKT_PUBLIC_RATE_CACHE", "default")]
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * period - now))


def limited(bucket: str, *, only_methods: tuple[str, ...] | None = None):
    """View decorator: over budget gives 429 (a Swedish page, or a JSON problem for
    the API) with Retry-After."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if only_methods is None or request.method in only_methods:
                retry_after = hit(request, bucket)
                if retry_after is not None:
                    from .responses import too_many_requests

                    return too_many_requests(request, retry_after, api=bucket == "api")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
