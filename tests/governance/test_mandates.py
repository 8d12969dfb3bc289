import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.organisations.models import BodyKind, FunderKind, Role
from governance.organisations.services import mandate_create, mandate_end
from permissions.selectors import armls_for
from tests.factories import ArmlFactory, BodyFactory, FunderFactory, PersonFactory, give_mandate

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_creating_a_mandate_grants_scope_and_role_group():
    arml = ArmlFactory()
    person = PersonFactory()
    give_mandate(person, Role.ARML_DIRECTOR, arml)
    assert list(armls_for(person)) == [arml]
    assert list(person.groups.values_list("name", flat=True)) == [Role.ARML_DIRECTOR]


def test_ending_a_mandate_removes_the_scope_it_granted():
    arml, other = ArmlFactory(), ArmlFactory()
    person = PersonFactory()
    ended = give_mandate(person, Role.AUDITOR, arml)
    give_mandate(person, Role.AUDITOR, other)

    mandate_end(mandate=ended)

    assert list(armls_for(person)) == [other]
    assert person.groups.filter(name=Role.AUDITOR).exists()  # still auditor elsewhere


def test_ending_the_last_mandate_removes_the_role_group():
    arml = ArmlFactory()
    person = PersonFactory()
    mandate = give_mandate(person, Role.ARML_STAFF, arml)
    mandate_end(mandate=mandate)
    assert not armls_for(person).exists()
    assert not person.groups.exists()


def test_overlapping_mandates_for_the_same_role_and_body_are_refused():
    body = BodyFactory(kind=BodyKind.CA)
    person = PersonFactory(first_name="Jeanne", last_name="Martin")
    give_mandate(person, Role.BOARD_MEMBER, body.arml, body=body, start=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError) as exc:
        mandate_create(
            person=person,
            role=Role.BOARD_MEMBER,
            arml=body.arml,
            body=body,
            start=dt.date(2025, 6, 1),
        )
    assert "ne peuvent pas se chevaucher" in str(exc.value)
    assert "01/01/2025" in str(exc.value)


def test_consecutive_mandates_and_other_bodies_are_allowed():
    body = BodyFactory(kind=BodyKind.CA)
    bureau = BodyFactory(arml=body.arml, kind=BodyKind.BUREAU)
    person = PersonFactory()
    first = give_mandate(person, Role.BOARD_MEMBER, body.arml, body=body, start=dt.date(2024, 1, 1))
    mandate_end(mandate=first, end=dt.date(2025, 1, 1))
    give_mandate(person, Role.BOARD_MEMBER, body.arml, body=body, start=dt.date(2025, 1, 1))
    give_mandate(person, Role.BOARD_MEMBER, body.arml, body=bureau, start=dt.date(2025, 1, 1))
    assert person.mandates.count() == 3


def test_a_future_mandate_grants_no_scope_until_it_starts():
    arml = ArmlFactory()
    person = PersonFactory()
    give_mandate(person, Role.AUDITOR, arml, start=TODAY + dt.timedelta(days=10))
    assert not armls_for(person).exists()


def test_a_funder_role_needs_a_funder_of_the_right_kind_and_region():
    arml = ArmlFactory()
    region_funder = FunderFactory(region=arml.region, kind=FunderKind.REGION)
    elsewhere = FunderFactory(kind=FunderKind.STATE)
    person = PersonFactory()
    with pytest.raises(ValidationError, match="financeur"):
        mandate_create(person=person, role=Role.STATE_OFFICER, arml=arml, start=TODAY)
    with pytest.raises(ValidationError, match="ne correspond pas"):
        mandate_create(
            person=person, role=Role.STATE_OFFICER, arml=arml, funder=region_funder, start=TODAY
        )
    with pytest.raises(ValidationError, match="autre région"):
        mandate_create(
            person=person, role=Role.STATE_OFFICER, arml=arml, funder=elsewhere, start=TODAY
        )
    assert not person.mandates.exists()


def test_an_end_before_the_start_is_refused():
    arml = ArmlFactory()
    mandate = give_mandate(PersonFactory(), Role.AUDITOR, arml, start=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError):
        mandate_end(mandate=mandate, end=dt.date(2024, 12, 1))
    mandate.refresh_from_db()
    assert mandate.end is None
