"""The notification centre's settings, read from config.settings (README § Configuration)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urljoin

from django.conf import settings


def base_url() -> str:
    """The site's public address (ARML_BASE_URL), for the links in e-mails."""
    return settings.ARML_BASE_URL.rstrip("/") + "/"


def absolute(path: str) -> str:
    return urljoin(base_url(), path.lstrip("/")) if path else base_url()


def retry_delays() -> list[dt.timedelta]:
    """After a failed send, the next attempts wait these delays (1, 5 and 30 minutes)."""
    return [dt.timedelta(minutes=m) for m in settings.ARML_NOTIFICATION_RETRY_MINUTES]


def reminder_offsets() -> list[int]:
    """Days before a deadline at which its reminders go out, largest first (30, 7, 1)."""
    return sorted({int(d) for d in settings.ARML_REMINDER_OFFSETS}, reverse=True)


def countersign_days() -> int:
    return int(settings.ARML_COUNTERSIGN_REMINDER_DAYS)


def deadlines_every() -> dt.timedelta:
    return dt.timedelta(minutes=max(int(settings.ARML_DEADLINES_EVERY_MINUTES), 1))
