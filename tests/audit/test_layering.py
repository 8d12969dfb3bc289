import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from audit import access

AUDIT = Path(__file__).resolve().parents[2] / "audit"


def imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):  # inside functions too
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_audit_imports_nothing_from_governance_or_permissions():
    offenders = [
        f"{path.relative_to(AUDIT.parent)}: {module}"
        for path in sorted(AUDIT.rglob("*.py"))
        if "migrations" not in path.parts
        for module in imported_modules(path)
        if module.split(".")[0] in {"governance", "permissions"}
    ]
    assert offenders == []


def test_the_permissions_app_registers_the_access_policy():
    from permissions.audit_access import MandateAccessPolicy

    assert isinstance(access.policy(), MandateAccessPolicy)


def test_register_refuses_what_is_not_a_policy():
    with pytest.raises(ImproperlyConfigured):
        access.register(object())


def test_the_arml_model_is_reached_through_the_ledger_relation():
    from governance.models import Arml

    assert access.arml_model() is Arml


@pytest.mark.django_db
def test_roles_come_from_the_policy_when_the_caller_passes_none(arml):
    from audit.services import append
    from tests.factories import person_with_role

    auditor = person_with_role("auditor", arml)
    event = append(action="x.done", actor=auditor, arml=arml)
    assert event.actor_roles == "auditor"
    assert access.can_audit(auditor, arml) and access.can_audit(auditor, arml.pk)
    staff = person_with_role("arml_staff", arml)
    assert not access.can_audit(staff, arml)
    assert list(access.auditable_armls(auditor)) == [arml]
    assert list(access.auditable_armls(staff)) == []
