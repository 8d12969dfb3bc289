"""Reads asked several times in one page are read once per GET request, never across requests
nor during a POST (which writes)."""

from django.http import HttpResponse
from django.test import RequestFactory

from config.request_cache import RequestMemoMiddleware, memo


def test_outside_a_request_nothing_is_kept():
    calls = []
    memo("k", lambda: calls.append(1))
    memo("k", lambda: calls.append(1))
    assert len(calls) == 2


def _page(calls):
    def view(request):
        for _ in range(3):
            memo(("delegations", 1), lambda: calls.append(request.method) or len(calls))
        return HttpResponse("ok")

    return RequestMemoMiddleware(view)


def test_a_get_reads_once_and_the_next_request_reads_again():
    calls = []
    page = _page(calls)
    page(RequestFactory().get("/"))
    assert calls == ["GET"]
    page(RequestFactory().get("/"))
    assert calls == ["GET", "GET"]  # a new request starts afresh
    memo("k", lambda: calls.append("after"))
    assert calls[-1] == "after"  # and nothing is kept once the response is sent


def test_a_post_keeps_nothing():
    calls = []
    _page(calls)(RequestFactory().post("/"))
    assert calls == ["POST", "POST", "POST"]
