"""Minimal helpers of the money scenario (tests/scenarios/test_money_year.py): sign in as a
demo person through the login page, read JSON answers, upload files."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fixtures.demo import DEMO_PASSWORD
from tests.scenarios.helpers import Authenticator
from workflows.second_factor import DEMO_TOTP_SECRET

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program"


def paris(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=PARIS)


def as_person(username: str) -> Client:
    """A client signed in through the login page, as the person would; their authenticator app
    holds the demo's published secret (the demo enrols every account with it)."""
    client = Client()
    response = client.post("/connexion/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{username} could not sign in"
    client.authenticator = Authenticator(None, DEMO_TOTP_SECRET)  # type: ignore[attr-defined]
    return client


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.content[:500])
    return response.json()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
