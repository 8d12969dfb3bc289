"""Reads of the notification centre."""

from __future__ import annotations

from django.db.models import QuerySet

from governance.organisations.models import Person
from notifications.models import Notification


def notifications_for(user: Person, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user)
    return qs.unread() if unread_only else qs


def unread_count(user: Person) -> int:
    """One query: the count the menu shows."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
