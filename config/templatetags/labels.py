"""Template filters over config.labels: codes shown in French on every page."""

from typing import Any

from django import template

from config import labels

register = template.Library()


@register.filter
def event_label(action: str) -> str:
    return labels.event_label(action)


@register.filter
def event_subject(action: str) -> str:
    return labels.prefix_label(action)


@register.filter
def event_state(event: Any, which: str = "to") -> str:
    """The event's `from` or `to` state, in French."""
    state = getattr(event, f"{which}_state", "")
    return labels.state_label(getattr(event, "object_type", ""), state)


@register.filter
def object_type_label(object_type: str) -> str:
    return labels.object_type_label(object_type)


@register.filter
def roles_label(roles: Any) -> str:
    return labels.roles_label(roles)


@register.filter
def role_label(role: str) -> str:
    return labels.role_label(role)


@register.filter
def kind_label(kind: str) -> str:
    return labels.document_kind_label(kind)


@register.filter
def slot_label(field: str, document: Any) -> str:
    return labels.slot_label(document, field)


@register.filter
def event_data_rows(event: Any) -> list[tuple[str, str]]:
    return labels.data_rows(event.data, getattr(event, "object_type", ""))
