"""Helpers of the dues scenario (kept apart from the shared scenario helpers): an HTTP client
that acts as a named person of the onboarded ARML and answers JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client

from governance.organisations.models import Person
from tests.scenarios.helpers import Authenticator, act

PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


class As:
    """`As(client, "pvidal").post("/api/v1/…", {...})`: the request of that person, logged in
    (onboarded accounts have no password yet: the session is opened for them)."""

    def __init__(self, client: Client, username: str, clock: Any = None) -> None:
        self.client = client
        self.person = Person.objects.get(username=username)
        self.app = Authenticator(clock)  # enrolled from the profile page on the first signature

    def _login(self) -> None:
        self.client.force_login(self.person)

    def get(self, url: str, **params: Any) -> Any:
        self._login()
        return self.client.get(url, params)

    def post(self, url: str, data: Any = None) -> Any:
        self._login()
        return self.client.post(url, data or {}, content_type="application/json")

    def ok(self, method: str, url: str, data: Any = None, status: int = 200) -> Any:
        response = self.post(url, data) if method == "post" else self.get(url)
        assert response.status_code == status, (url, response.status_code, response.content[:800])
        return response.json()

    def act(self, url: str, name: str, comment: str = "") -> Any:
        """Perform transition `name` on the object at `url` (…/{id}/), signing through the
        scenarios' one helper (the second factor) when it signs."""
        self._login()
        return act(self.client, f"{url}transitions/{name}/", comment=comment, app=self.app)


def results(body: Any) -> list[Any]:
    """The rows of a list answer (paginated or not)."""
    return body["results"] if isinstance(body, dict) and "results" in body else body
