"""API-wide error shape: every 4xx is JSON {"code": …, "detail": …} with a French message.

A refused input (400) says in `detail` which field is wrong, in a French sentence, and lists
every field's messages in `errors`; its code is `too_long` when a text passes its bound (13.1),
`invalid` otherwise."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, parsers
from rest_framework.response import Response

from governance.organisations import limits


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    # Imported here: rest_framework.views reads DEFAULT_PARSER_CLASSES (this module) when it is
    # first imported, so a top-level import makes a cycle whenever a system check loads the
    # pagination class first (the check registry's order varies from run to run).
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError) and isinstance(data, dict | list):
        errors = data if isinstance(data, dict) else {"detail": data}
        if set(errors) == {"detail"}:
            response.data = {"code": "invalid", "detail": _sentence(errors["detail"])}
        else:
            code = "too_long" if "max_length" in _leaves(exc.get_codes()) else "invalid"
            response.data = {"code": code, "detail": _fields_sentence(errors), "errors": errors}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else getattr(exc, "default_code", "error")
        if isinstance(data, dict) and set(data) == {"detail"}:
            response.data = {"code": code, "detail": data["detail"]}
        else:
            response.data = {"code": code, "detail": data}
    return response


def _leaves(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [leaf for value in node.values() for leaf in _leaves(value)]
    if isinstance(node, list):
        return [leaf for value in node for leaf in _leaves(value)]
    return [str(node)]


def _sentence(node: Any) -> str:
    """The first message of a nested error, as text."""
    leaves = _messages(node)
    return leaves[0] if leaves else _("Invalid input.")


def _messages(node: Any, path: str = "") -> list[str]:
    if isinstance(node, dict):
        return [m for key, value in node.items() for m in _messages(value, _join(path, key))]
    if isinstance(node, list):
        if all(not isinstance(v, dict | list) for v in node):
            return [f"{path} : {v}" if path else str(v) for v in node]
        return [m for i, value in enumerate(node) for m in _messages(value, _join(path, i))]
    return [f"{path} : {node}" if path else str(node)]


def _join(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else f"« {key} »"


def _fields_sentence(errors: dict[str, Any]) -> str:
    """« summary » : Assurez-vous que ce champ comporte au plus 10000 caractères. (…)"""
    messages = _messages(errors)
    if not messages:
        return _("Invalid input.")
    return _("Invalid input: %(fields)s") % {"fields": " ; ".join(messages[:5])}


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing NUL characters anywhere — keys included, which no field
    checks — as PostgreSQL's text and jsonb cannot hold them (issue 13.4: a 400, not a 500)."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if _has_nul(data):
            raise exceptions.ParseError(_("The request contains a NUL character (\\u0000)."))
        too_long = _too_long(data, "")
        if too_long is not None:
            # Refused before any field runs its validators: DRF's scan for surrogates alone
            # took half a second on a 2 MB text (issue 13.1: refused in under 100 ms).
            raise exceptions.ValidationError(
                {
                    too_long or "detail": [
                        exceptions.ErrorDetail(
                            _("Ensure this field has no more than %(max)s characters.")
                            % {"max": limits.REPORT},
                            code="max_length",
                        )
                    ]
                }
            )
        return data


def _has_nul(node: Any) -> bool:
    if isinstance(node, str):
        return "\x00" in node
    if isinstance(node, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in node.items())
    if isinstance(node, list):
        return any(_has_nul(v) for v in node)
    return False


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """`?limit=` capped at 500 and `?offset=` at a billion: larger numbers overflowed the
    database's integers (a 500, issue 13.4)."""

    max_limit = 500
    max_offset = 10**9

    def get_offset(self, request: Any) -> int:
        return min(super().get_offset(request), self.max_offset)


def _too_long(node: Any, path: str) -> str | None:
    """The path of the first text longer than any field accepts (limits.REPORT), or None."""
    if isinstance(node, str):
        return path if len(node) > limits.REPORT else None
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in items:
        found = _too_long(value, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None
