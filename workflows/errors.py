"""Why a transition did not happen. Each error carries an HTTP status, a code and a French
message, so that pages, API and ledger all say the same thing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


class TransitionError(Exception):
    status = 400
    code = "transition_error"
    #: refusals (permission, rule, condition, state, conflict) are ledgered; faults are not
    ledgered = True

    def __init__(self, message: str, *, details: Any = None, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code:  # a rule's own code ("self_approval"…) rather than the class's
            self.code = code

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "detail": self.message}
        if self.details:
            body["errors"] = self.details
        return body


class Forbidden(TransitionError, PermissionDenied):
    """Not allowed (a role, a rule, a delegation): also a PermissionDenied, so that Django and
    DRF answer 403 wherever it is not caught."""

    status = 403
    code = "forbidden"


class UnknownTransition(TransitionError):
    status = 404
    code = "unknown_transition"
    ledgered = False


class CommentRequired(TransitionError):
    status = 400
    code = "comment_required"

    def __init__(self) -> None:
        super().__init__(_("A comment is required for this action: give the reason."))


class InvalidData(TransitionError):
    status = 400
    code = "invalid_data"


class InvalidState(TransitionError):
    status = 409
    code = "invalid_state"


class ConditionsUnmet(TransitionError):
    status = 409
    code = "conditions_unmet"


class DeliberationRequired(ConditionsUnmet):
    """The transition declares a deliberation (`Deliberated`) that the bodies have not taken."""

    code = "deliberation_required"


class AttachmentRequired(ConditionsUnmet):
    """The transition declares an attachment (`Attached`) the object does not hold yet."""

    code = "attachment_required"


class Conflict(TransitionError):
    status = 409
    code = "conflict"

    def __init__(self) -> None:
        super().__init__(
            _("Someone changed this item at the same time: reload the page and try again.")
        )


class CircuitTaskRequired(TransitionError):
    status = 409
    code = "circuit_task_required"


class DocumentFailed(TransitionError):
    """The signed document could not be produced: nothing changed. A fault, not a refusal."""

    status = 503
    code = "document_failed"
    ledgered = False


class SecondFactorRequired(Forbidden):
    """A transition that signs, attempted without a valid second-factor confirmation (none
    given, or the window of ARML_SECOND_FACTOR_MINUTES passed): the signer alone must control
    the act of signing, a session cookie is not enough."""

    code = "second_factor_required"


class SecondFactorInvalid(Forbidden):
    """The code given is wrong, already used, or the device is throttled after wrong codes.
    `devices` are the (model label, pk) of the devices that refused it: their failure counts
    are recorded again after the transaction rolls back (workflows.second_factor)."""

    code = "second_factor_invalid"

    def __init__(self, message: str, *, devices: tuple[tuple[str, int], ...] = ()) -> None:
        super().__init__(message)
        self.devices = devices
