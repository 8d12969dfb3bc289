"""Django's LoginRequiredMiddleware, except for the API: DRF authenticates API requests itself
(a session or a token, `REST_FRAMEWORK`) and answers 401/403 in JSON, where the middleware would
redirect a token-carrying client, not yet authenticated at that point, to the login page."""

from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as Base
from django.http import HttpRequest, HttpResponseBase

API_PREFIX = "/api/v1/"


class LoginRequiredMiddleware(Base):
    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if request.path_info.startswith(API_PREFIX):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
