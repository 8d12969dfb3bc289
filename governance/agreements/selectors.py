"""Reads of the register of regulated agreements, scoped like every page."""

from __future__ import annotations

from django.db.models import QuerySet

from governance.agreements.models import AgreementRegister, RegulatedAgreement
from governance.organisations.models import Person
from permissions.selectors import armls_for


def registers_for(user: Person) -> QuerySet[AgreementRegister]:
    return AgreementRegister.objects.filter(
        arml__in=armls_for(user, "agreement_register")
    ).select_related("arml")


def agreements_for(user: Person) -> QuerySet[RegulatedAgreement]:
    return (
        RegulatedAgreement.objects.filter(arml__in=armls_for(user, "agreement_register"))
        .select_related("register", "counterparty_ml", "arml")
        .order_by("-register__year", "concluded_on", "pk")
    )
