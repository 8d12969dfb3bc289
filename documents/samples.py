"""Example facts for each kind: used by the tests, the benchmarks and the demo."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

ARML = {
    "name": "Association régionale des Missions Locales de Bretagne",
    "address": "12 rue de l'Écluse, 35000 Rennes",
    "siret": "12345678900012",
}


def signer_slots_for_convention() -> list[dict[str, str]]:
    return [
        {
            "field": "president",
            "role": "president",
            "label": "Le président de l'ARML",
            "name": "Hélène Lefèvre",
        },
        {
            "field": "state",
            "role": "state_officer",
            "label": "Pour l'État",
            "name": "Jérôme Müller",
        },
        {
            "field": "region",
            "role": "region_officer",
            "label": "Pour la Région",
            "name": "Françoise Œuvray",
        },
    ]


def convention_facts(**overrides: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "arml": ARML,
        "title": "Convention pluriannuelle d'objectifs et de moyens 2025-2027",
        "reference": "CPOM-2025-001",
        "version": 1,
        "date": "2025-03-14",
        "place": "Rennes",
        "period": {"start": "2025-01-01", "end": "2027-12-31"},
        "parties": [
            {"name": "L'État", "description": "représenté par le préfet de région"},
            {"name": "La Région Bretagne", "description": "représentée par sa présidente"},
            {"name": ARML["name"], "description": "représentée par sa présidente"},
        ],
        "body": [
            "Vu le code du travail, notamment ses articles L. 5314-1 et suivants ; "
            "les parties conviennent de ce qui suit."
        ],
        "articles": [
            {
                "title": "Objet",
                "text": "La présente convention fixe les objectifs partagés "
                "et les moyens alloués à l'animation régionale du réseau des Missions Locales.",
            },
            {
                "title": "Engagements de l'ARML",
                "text": "L'ARML s'engage à coordonner les "
                "actions, à rendre compte de leur exécution et à évaluer leurs résultats.",
            },
            {
                "title": "Financement",
                "text": "Les financeurs versent les montants figurant "
                "au tableau ci-dessous, sous réserve du vote des crédits (montants en €).",
            },
        ],
        "funding": [
            {"year": year, "funder": funder, "amount": amount}
            for year in (2025, 2026, 2027)
            for funder, amount in (
                ("État", Decimal("152300.00")),
                ("Région Bretagne", Decimal("98750.50")),
                ("France Travail", Decimal("12000")),
            )
        ],
        "signers": signer_slots_for_convention(),
    }
    facts.update(overrides)
    return facts


def facts_for(kind: str) -> dict[str, Any]:
    """A representative document of each kind."""
    meeting = {
        "body": "Conseil d'administration",
        "date": "2025-04-02",
        "time": "14h00",
        "place": "Maison des associations, Rennes",
    }
    president = [signer_slots_for_convention()[0]]
    common: dict[str, Any] = {
        "arml": ARML,
        "reference": f"{kind.upper()}-2025-007",
        "version": 1,
        "date": "2025-03-14",
        "place": "Rennes",
        "ledger_seq": 4242,
        "signers": president,
    }
    specific: dict[str, dict[str, Any]] = {
        "act": {
            "title": "Acte de validation",
            "transition": {
                "object": "Plan d'actions 2025",
                "action": "Validation",
                "from_state": "Proposé",
                "to_state": "Validé",
                "actor": "Hélène Lefèvre",
                "at": "14/03/2025 10:42",
                "comment": "Conforme à la délibération n° 2025-03.",
            },
        },
        "action_plan": {
            "title": "Plan d'actions régional 2025",
            "stage": "decision",
            "actions": [
                {
                    "title": "Animer le réseau des référents santé",
                    "owner": "ARML",
                    "due": "2025-06-30",
                    "budget": Decimal("15000"),
                },
                {
                    "title": "Former les conseillers à l'accompagnement intensif",
                    "owner": "Missions Locales",
                    "due": "2025-12-31",
                    "budget": Decimal("42500.5"),
                },
            ],
            "decision": "Le conseil d'administration approuve le plan d'actions.",
        },
        "convocation": {
            "title": "Convocation au conseil d'administration",
            "meeting": meeting,
            "agenda": ["Approbation du procès-verbal", "Budget prévisionnel", "Questions diverses"],
            "invitees": ["Hélène Lefèvre", "Jérôme Müller"],
        },
        "minutes": {
            "title": "Procès-verbal du conseil d'administration",
            "meeting": meeting,
            "present": ["Hélène Lefèvre", "Jérôme Müller", "Zoé Ñúñez"],
            "absent": ["Éric Dupré"],
            "quorum": "Le quorum (¼) est atteint.",
            "items": [
                {
                    "title": "Budget prévisionnel",
                    "text": "Le budget de 1 250 000 € est présenté.",
                    "vote": {"for": 9, "against": 1, "abstain": 2},
                    "outcome": "Adopté.",
                }
            ],
            "signers": signer_slots_for_convention()[:1]
            + [
                {
                    "field": "secretary",
                    "role": "secretary",
                    "label": "Le secrétaire",
                    "name": "Zoé Ñúñez",
                }
            ],
        },
        "extract": {
            "title": "Extrait du registre des délibérations",
            "meeting": meeting,
            "deliberation": {
                "number": "2025-03",
                "title": "Budget prévisionnel",
                "text": "Le conseil adopte le budget prévisionnel.",
                "vote": {"for": 9, "against": 1, "abstain": 2},
            },
        },
        "convention": convention_facts(),
        "amendment": {
            "title": "Avenant n° 1 à la convention CPOM-2025-001",
            "convention_reference": "CPOM-2025-001",
            "number": 1,
            "changes": [
                {"title": "Financement", "text": "Le montant 2026 de l'État est porté à 160 000 €."}
            ],
            "funding": [{"year": 2026, "funder": "État", "amount": Decimal("160000")}],
            "signers": signer_slots_for_convention(),
        },
    }
    if kind not in specific:  # kinds registered next to their lifecycle carry their own sample
        from documents.renderers import RENDERERS

        return {**common, **RENDERERS[kind].sample_facts()}  # type: ignore[attr-defined]
    return {**common, **specific[kind]}
