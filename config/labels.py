"""The one map from the codes the system stores to the French words people read.

Codes stay codes where they are stored (the ledger's `convention.countersigned`, a state
`in_consultation`, a role `board_member`, a signature field `signature_2`, an object type
`governance.meeting`): they are hashed, exported and compared. Every page, PDF and export shows
them through the functions below, so a code never reaches a reader and a new code has one place
to be named. The English msgids are translated in locale/fr (French first).

The map reads the models through Django's registry (no import of the rooms), so audit/ and
documents/, which import nothing from governance/, may use it too: config is the composition
root and sits above every room.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

#: The verb of an event (what follows the object's prefix), as a noun phrase.
EVENT_VERBS: dict[str, Any] = {
    "abandoned": gettext_lazy("Abandoned"),
    "action_deleted": gettext_lazy("Action deleted"),
    "action_saved": gettext_lazy("Action saved"),
    "adopted": gettext_lazy("Adopted"),
    "agenda_item_added": gettext_lazy("Agenda item added"),
    "agreed": gettext_lazy("Agreement given"),
    "agreement_declared": gettext_lazy("Regulated agreement declared"),
    "agreement_flagged": gettext_lazy("Regulated agreement flagged"),
    "attachment_added": gettext_lazy("Document attached"),
    "calls_prepared": gettext_lazy("Calls for dues prepared"),
    "payment_recorded": gettext_lazy("Payment recorded"),
    "recovery_codes_generated": gettext_lazy("Recovery codes generated"),
    "second_factor_enrolled": gettext_lazy("Second factor enrolled"),
    "second_factor_reset": gettext_lazy("Second factor reset"),
    "second_factor_removed": gettext_lazy("Second factor removed"),
    "agreement_requested": gettext_lazy("Agreement requested"),
    "agreement_withdrawn": gettext_lazy("Agreement withdrawn"),
    "approved": gettext_lazy("Approved"),
    "attendance_recorded": gettext_lazy("Attendance recorded"),
    "closed": gettext_lazy("Closed"),
    "concluded": gettext_lazy("Concluded"),
    "conclusions_accepted": gettext_lazy("Conclusions accepted"),
    "conclusions_proposed": gettext_lazy("Conclusions proposed"),
    "conclusions_saved": gettext_lazy("Conclusions saved"),
    "content_saved": gettext_lazy("Content saved"),
    "contested": gettext_lazy("Contested"),
    "contracted": gettext_lazy("Contracted"),
    "convened": gettext_lazy("Convened"),
    "countersigned": gettext_lazy("Countersigned"),
    "created": gettext_lazy("Created"),
    "delivered": gettext_lazy("Delivered"),
    "entered_into_force": gettext_lazy("Entered into force"),
    "evaluated": gettext_lazy("Evaluated"),
    "execution_started": gettext_lazy("Execution started"),
    "failed": gettext_lazy("Sending failed"),
    "file_saved": gettext_lazy("File saved"),
    "file_transmitted": gettext_lazy("File transmitted"),
    "final_evaluation_started": gettext_lazy("Final evaluation started"),
    "frozen": gettext_lazy("Draft frozen"),
    "funder_commented": gettext_lazy("Funder's comment"),
    "funding_marked": gettext_lazy("Funding marked"),
    "interest_declared": gettext_lazy("Interest declared"),
    "invitation_received": gettext_lazy("Notice received"),
    "issued": gettext_lazy("Issued"),
    "lapse_signed": gettext_lazy("Lapse record signed"),
    "lapsed": gettext_lazy("Lapsed"),
    "line_commented": gettext_lazy("Line commented"),
    "locked_out": gettext_lazy("Login locked out"),
    "meeting_recorded": gettext_lazy("Meeting recorded"),
    "minutes_signed": gettext_lazy("Minutes signed"),
    "negotiation_opened": gettext_lazy("Negotiation opened"),
    "opened": pgettext_lazy("event", "Opened"),
    "opinion_given": gettext_lazy("Opinion given"),
    "planned": gettext_lazy("Planned"),
    "postponed": gettext_lazy("Postponed"),
    "progress_recorded": gettext_lazy("Progress recorded"),
    "proposed": gettext_lazy("Proposed"),
    "proxy_recorded": gettext_lazy("Proxy recorded"),
    "proxy_withdrawn": gettext_lazy("Proxy withdrawn"),
    "recorded": gettext_lazy("Recorded"),
    "refused": gettext_lazy("Refused"),
    "refused_attempt": gettext_lazy("Refused attempt"),
    "reopened": gettext_lazy("Reopened"),
    "drafted": gettext_lazy("Draft written"),
    "changed": gettext_lazy("Draft changed"),
    "payment_corrected": gettext_lazy("Payment corrected"),
    "rejected": gettext_lazy("Rejected"),
    "requested": gettext_lazy("Requested"),
    "returned_to_draft": gettext_lazy("Returned to draft"),
    "review_resumed": gettext_lazy("Review resumed"),
    "review_started": gettext_lazy("Review started"),
    "revoked": gettext_lazy("Revoked"),
    "sent": gettext_lazy("Sent"),
    "session_started": gettext_lazy("Session started"),
    "signed": gettext_lazy("Signed"),
    "started": gettext_lazy("Started"),
    "submitted": gettext_lazy("Submitted"),
    "submitted_for_consultation": gettext_lazy("Submitted for consultation"),
    "terminated": gettext_lazy("Terminated"),
    "termination_notified": gettext_lazy("Termination notified"),
    "validated": gettext_lazy("Validated"),
    "vote_recorded": gettext_lazy("Vote recorded"),
    "withdrawn": gettext_lazy("Withdrawn"),
}

#: Prefixes of the ledger that are not lifecycle models (whose prefix names the model).
PREFIXES: dict[str, Any] = {
    "auth": gettext_lazy("Login"),
    "delegation": gettext_lazy("Delegation"),
    "notification": gettext_lazy("Notification"),
    "measurements": gettext_lazy("Measurements"),
    "arml": gettext_lazy("ARML"),
    "request": gettext_lazy("Extract request"),
}

#: Keys of an event's data, as shown on the event page.
DATA_KEYS: dict[str, Any] = {
    "agenda": gettext_lazy("Agenda"),
    "attempts": gettext_lazy("Attempts"),
    "body": gettext_lazy("Body"),
    "budget": gettext_lazy("Budget"),
    "cast_by": gettext_lazy("Recorded for"),
    "choice": gettext_lazy("Vote"),
    "code": gettext_lazy("Refusal code"),
    "content_sha256": gettext_lazy("Fingerprint of the content"),
    "content_version": gettext_lazy("Content version"),
    "convention": gettext_lazy("Convention"),
    "convocation": gettext_lazy("Convocation"),
    "error": gettext_lazy("Error"),
    "item": gettext_lazy("Agenda item"),
    "meeting_date": gettext_lazy("Date of the meeting"),
    "minutes": gettext_lazy("Minutes (canonical content)"),
    "opinion": gettext_lazy("Opinion"),
    "person": gettext_lazy("Person"),
    "reason": gettext_lazy("Reason"),
    "starts_at": gettext_lazy("Starts at"),
    "status": gettext_lazy("Attendance"),
    "title": gettext_lazy("Title"),
    "transition": gettext_lazy("Step"),
    "voter": gettext_lazy("Voter"),
    "year": gettext_lazy("Year"),
}

#: Values of some data keys (votes, attendance, opinions).
DATA_VALUES: dict[str, Any] = {
    "for": gettext_lazy("For"),
    "against": gettext_lazy("Against"),
    "abstain": gettext_lazy("Abstention"),
    "present": gettext_lazy("Present"),
    "absent": gettext_lazy("Absent"),
    "represented": gettext_lazy("Represented"),
    "excused": gettext_lazy("Excused"),
    "favourable": gettext_lazy("Favourable"),
    "unfavourable": gettext_lazy("Unfavourable"),
    "reserved": gettext_lazy("Favourable with reservations"),
}

#: Kinds of second factor (workflows.second_factor): on an enrolment's event, and what
#: confirmed a signature (the ledger event's `second_factor`, the signature report).
SECOND_FACTOR_KINDS: dict[str, Any] = {
    "totp": gettext_lazy("Authenticator app (TOTP)"),
    "webauthn": gettext_lazy("Passkey"),
    "recovery": gettext_lazy("Recovery code"),
}
SECOND_FACTOR_CONFIRMED: dict[str, Any] = {
    "totp": gettext_lazy("second factor: authenticator app (TOTP)"),
    "webauthn": gettext_lazy("second factor: passkey"),
    "recovery": gettext_lazy("second factor: recovery code"),
}


def second_factor_label(kind: str) -> str:
    """What confirmed an act of signing, in words (« second facteur : clé d’accès »)."""
    return str(SECOND_FACTOR_CONFIRMED.get(kind, kind))


#: Document kinds (documents.renderers), as a reader names them.
DOCUMENT_KINDS: dict[str, Any] = {
    "act": gettext_lazy("Record of an act"),
    "action_plan": gettext_lazy("Action plan"),
    "amendment": gettext_lazy("Amendment"),
    "convention": gettext_lazy("Convention"),
    "convocation": gettext_lazy("Notice of meeting"),
    "dialogue_conclusions": gettext_lazy("Conclusions of the dialogue"),
    "dialogue_file": gettext_lazy("Management dialogue file"),
    "dues_call": gettext_lazy("Call for dues"),
    "evaluation": gettext_lazy("Evaluation of the action plan"),
    "financial_report": gettext_lazy("Financial report (Cerfa n°15059)"),
    "extract": gettext_lazy("Extract of deliberation"),
    "minutes": gettext_lazy("Minutes"),
    "programme": gettext_lazy("Regional programme"),
}


def _lifecycle_by_prefix() -> dict[str, Any]:
    from workflows.selectors import lifecycle_models

    return {m.ledger_prefix: m for m in lifecycle_models()}


@cache
def _prefix_models() -> dict[str, Any]:
    return _lifecycle_by_prefix()


#: A verb that reads differently on one kind of object (a meeting is opened as a session).
EVENT_VERBS_OF: dict[str, Any] = {
    "meeting.opened": gettext_lazy("Meeting opened"),
}


def event_label(action: str) -> str:
    """`convention.countersigned` → « Contresigné » (the verb; the object is named beside)."""
    prefix, _dot, verb = str(action or "").partition(".")
    if action in EVENT_VERBS_OF:
        return str(EVENT_VERBS_OF[action])
    if verb in EVENT_VERBS:
        return str(EVENT_VERBS[verb])
    model = _prefix_models().get(prefix)
    if model is not None:
        from workflows.specs import specs_of

        for spec in specs_of(model).values():
            if spec.done == verb:
                return str(spec.label)
    return str(action)


def prefix_label(action: str) -> str:
    """`convention.countersigned` → « Convention » (what kind of object the event is about)."""
    prefix = str(action or "").partition(".")[0]
    model = _prefix_models().get(prefix)
    if model is not None:
        return str(model._meta.verbose_name).capitalize()
    return str(PREFIXES.get(prefix, prefix))


def _model(object_type: str) -> Any:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """`governance.meeting` → « Séance »."""
    model = _model(object_type)
    if model is None:
        return str(object_type or "")
    return str(model._meta.verbose_name).capitalize()


@cache
def _states(object_type: str) -> dict[str, str]:
    model = _model(object_type)
    if model is None:
        return {}
    field_name = getattr(model, "state_field_name", "state")
    try:
        field = model._meta.get_field(field_name)
    except LookupError:
        return {}
    return {str(value): label for value, label in field.flatchoices}


def state_label(object_type: str, state: str) -> str:
    """`in_consultation` of `governance.convention` → « En consultation »."""
    if not state:
        return ""
    label = _states(object_type).get(str(state))
    return str(label) if label is not None else str(state)


@cache
def _roles() -> dict[str, Any]:
    model = apps.get_model("governance", "Mandate")
    return {str(value): label for value, label in model._meta.get_field("role").flatchoices}


def role_label(role: str) -> str:
    label = _roles().get(str(role))
    return str(label) if label is not None else str(role)


def roles_label(roles: Any) -> str:
    """« board_member,president » (as the ledger stores them) or a list → French, joined."""
    if isinstance(roles, str):
        roles = [r for r in roles.split(",") if r]
    return ", ".join(role_label(r) for r in roles or ())


def document_kind_label(kind: str) -> str:
    label = DOCUMENT_KINDS.get(str(kind))
    return str(label) if label is not None else str(kind)


def slot_label(document: Any, field: str) -> str:
    """A signature field's label as the document declares it (`signature_2` → « Pour l'État,
    le préfet de région ou son délégué »), else « Signature n »."""
    for slot in getattr(document, "signer_slots", None) or ():
        if slot.get("field") == field:
            return str(slot.get("label") or field)
    number = str(field).rpartition("_")[2]
    return _("Signature %(n)s") % {"n": number} if number.isdigit() else str(field)


def data_value_label(key: str, value: Any, object_type: str = "") -> str:
    """One value of an event's data, readable: labels for codes, « oui »/« non », lists."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(data_value_label(key, v, object_type) for v in value)
    if key == "second_factor" and isinstance(value, dict) and value.get("kind"):
        return second_factor_label(str(value["kind"]))
    if isinstance(value, dict):
        return _("%(n)s items (see the API for the whole content)") % {"n": len(value)}
    text = str(value)
    if key == "content_version":
        return f"v{text}"  # as pages, PDFs and the API name a content version
    if key == "transition":
        model = _model(object_type)
        if model is not None:
            from workflows.specs import specs_of

            spec = specs_of(model).get(text)
            if spec is not None:
                return str(spec.label)
    if key == "body":
        from django.apps import apps as registry

        body = registry.get_model("governance", "Body")
        kinds = dict(body._meta.get_field("kind").flatchoices)
        if text in kinds:
            return str(kinds[text])
    if key in ("role", "roles"):
        return roles_label(text)
    if key == "kind" and text in SECOND_FACTOR_KINDS:
        return str(SECOND_FACTOR_KINDS[text])
    if text in DATA_VALUES:
        return str(DATA_VALUES[text])
    if key in ("from_state", "to_state", "state"):
        return state_label(object_type, text)
    return text


def data_rows(data: dict[str, Any], object_type: str = "") -> list[tuple[str, str]]:
    """(label, value) of each key of an event's data, for the event page."""
    rows = []
    for key, value in data.items():
        label = DATA_KEYS.get(key)
        rows.append(
            (
                str(label) if label is not None else key.replace("_", " ").capitalize(),
                data_value_label(key, value, object_type),
            )
        )
    return rows


def event_codes_of(model: Any) -> list[str]:
    """The events a lifecycle model's transitions record (`convention.countersigned`…); none
    for a model that only records acts (a payment has a ledger prefix but no transitions)."""
    from workflows.lifecycle import Lifecycle
    from workflows.specs import specs_of

    if not (isinstance(model, type) and issubclass(model, Lifecycle)):
        return []

    return sorted({spec.event_action for spec in specs_of(model).values()})
