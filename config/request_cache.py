"""Reads computed once per page: a memo that lives for one GET request.

Several parts of a page ask the same question — which delegations the user received today, which
roles people hold in an ARML — and each asked the database again (the convention page sent the
delegation query six times). Within one GET request the answers cannot change (a GET writes no
delegation nor mandate), so the first answer is kept until the response is sent. Outside a
request (services, commands, tests calling functions directly) and during POSTs, which write,
nothing is kept: `memo` just computes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("arml_request_memo", default=None)


def memo[T](key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, once per GET request and `key`."""
    store = _memo.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]


class RequestMemoMiddleware:
    """Opens the memo for GET and HEAD requests (contextvars: one per thread of gunicorn)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
