"""One reading of the client's address, believing X-Forwarded-For through trusted proxies only."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from audit.models import AuditEvent
from config.client import client_ip, request_info
from tests.workflows.conftest import World
from workflows import web

SPOOFED = "203.0.113.66"


def request(forwarded=None, remote="192.0.2.10"):
    extra = {"REMOTE_ADDR": remote, "HTTP_USER_AGENT": "Firefox"}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.ARML_TRUSTED_PROXIES = 0
    assert client_ip(request(SPOOFED)) == "192.0.2.10"
    assert request_info(request(SPOOFED)) == {"ip": "192.0.2.10", "user_agent": "Firefox"}


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, f"{SPOOFED}, 198.51.100.7", "198.51.100.7"),  # the client forged the first entry
        (1, "198.51.100.7", "198.51.100.7"),
        (2, f"{SPOOFED}, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (2, "198.51.100.7", "198.51.100.7"),  # one proxy fewer than configured
        (1, "198.51.100.7:50412", "198.51.100.7"),
        (1, "[2001:db8::7]:443", "2001:db8::7"),
        (1, "not-an-address", "192.0.2.10"),
        (1, "", "192.0.2.10"),
    ],
)
def test_with_n_proxies_the_nth_address_from_the_right_is_the_client(
    settings, proxies, forwarded, expected
):
    settings.ARML_TRUSTED_PROXIES = proxies
    assert client_ip(request(forwarded)) == expected


def test_the_pages_use_the_same_builder():
    assert web.request_info is request_info


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, SPOOFED, "127.0.0.1"),  # no proxy trusted: the header is the client's word
        (1, f"198.51.100.1, {SPOOFED}", SPOOFED),  # our proxy appended the right-most one
    ],
)
def test_the_ledger_records_the_believed_address(client, settings, proxies, forwarded, expected):
    settings.ARML_TRUSTED_PROXIES = proxies
    world = World()
    plan = world.plan("draft")
    client.force_login(world.director)
    client.post(
        reverse("governance:action_plan_transition", args=[plan.pk, "propose"]),
        {"comment": ""},
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    event = AuditEvent.objects.get(action__endswith="proposed", object_id=str(plan.pk))
    assert event.request_ip == expected
