from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from documents import services
from documents.models import DocumentVersion
from documents.samples import convention_facts, signer_slots_for_convention
from governance.organisations.models import Arml, FunderKind, Person, Role
from tests.factories import ArmlFactory, FunderFactory, PersonFactory, give_mandate


@dataclass
class Convention:
    arml: Arml
    president: Person
    state: Person
    region: Person

    def issue(self, **overrides: Any) -> DocumentVersion:
        kwargs: dict[str, Any] = {
            "obj": self.arml,
            "kind": "convention",
            "facts": convention_facts(),
            "actor": self.president,
            "role": Role.PRESIDENT,
            "signer_slots": signer_slots_for_convention(),
            "sign_field": "president",
        }
        kwargs.update(overrides)
        return services.issue(**kwargs)

    def signer(self, field: str) -> tuple[Person, str]:
        return {
            "president": (self.president, Role.PRESIDENT),
            "state": (self.state, Role.STATE_OFFICER),
            "region": (self.region, Role.REGION_OFFICER),
        }[field]

    def countersign(self, version: DocumentVersion, field: str) -> DocumentVersion:
        person, role = self.signer(field)
        return services.countersign(version=version, field=field, actor=person, role=role)


@pytest.fixture
def convention(db: Any) -> Convention:
    arml = ArmlFactory()
    president = PersonFactory(first_name="Hélène", last_name="Lefèvre")
    give_mandate(president, Role.PRESIDENT, arml)
    state = PersonFactory(first_name="Jérôme", last_name="Müller")
    give_mandate(
        state,
        Role.STATE_OFFICER,
        arml,
        funder=FunderFactory(region=arml.region, kind=FunderKind.STATE),
    )
    region = PersonFactory(first_name="Françoise", last_name="Œuvray")
    give_mandate(
        region,
        Role.REGION_OFFICER,
        arml,
        funder=FunderFactory(region=arml.region, kind=FunderKind.REGION),
    )
    return Convention(arml, president, state, region)
