"""Issue: render + sign + store + rows vs bare reportlab + bare pyHanko. Verify vs bare validation.

Goals (issue 3): issue / (render + sign) ≤ 1.25; verify / bare validation ≤ 1.5.
Since signatures are visible (issue 15), the bare pyHanko signature draws the same appearance
(the same TextStampStyle and embedded font) so that the ratio still compares like with like;
the cost of the appearance itself is printed apart (bare sign without any appearance).
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from typing import Any

ROUNDS = 15


def _medians_ms(*fns: Callable[[], Any], rounds: int = ROUNDS) -> list[float]:
    """Median time of each function, measured in turns (a, b, c, a, b, c…), so that load from
    elsewhere on the machine hits every side alike and the ratios stay meaningful."""
    for fn in fns:
        fn()  # warm-up: fonts, keys, certificates
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for fn, measured in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            measured.append((time.perf_counter() - start) * 1000)
    return [statistics.median(t) for t in times]


def run() -> None:
    from asn1crypto import keys as asn1_keys
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.stamp.noop import NoOpStampStyle
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from documents import appearance, pki, services, signing, storage, verification
    from documents.capacity import Capacity
    from documents.models import Document
    from documents.renderers import RENDERERS, get_renderer
    from documents.samples import convention_facts, facts_for, signer_slots_for_convention
    from governance.organisations.models import Arml, Person, Region, Role

    region = Region.objects.create(code="B1", name="Bench")
    arml = Arml.objects.create(region=region, name="ARML Bench", short_name="Bench")
    people = {
        role: Person.objects.create(username=role, first_name="Hélène", last_name=role)
        for role in (Role.PRESIDENT, Role.STATE_OFFICER, Role.REGION_OFFICER)
    }
    facts, slots = convention_facts(), signer_slots_for_convention()
    renderer = get_renderer("convention")

    # Bare pyHanko: SimpleSigner (key re-parsed each time), the same local TSA, same fields.
    capacity = Capacity(Role.PRESIDENT, "Présidente de l'ARML", "ARML Bench")
    credential = pki.signer_credential(people[Role.PRESIDENT], capacity=capacity)
    simple = signers.SimpleSigner(
        signing_cert=signing.to_asn1(credential.certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            credential.key.private_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([signing.to_asn1(pki.ca().certificate)]),
    )
    timestamper = signing.get_timestamper()
    layout = renderer.render_with_layout(facts)
    pdf = layout.content

    text = appearance.text(
        name=str(people[Role.PRESIDENT]), capacity=capacity, signed_at=credential.record.created_at
    )

    def bare_sign(visible: bool = True) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        for box in layout.boxes.values():
            fields.append_signature_field(
                writer, fields.SigFieldSpec(box.field, on_page=box.page, box=box.rect)
            )
        meta = signers.PdfSignatureMetadata(
            field_name="president", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
        )
        style = appearance.stamp_style() if visible else NoOpStampStyle()
        return (
            signers.PdfSigner(meta, simple, timestamper=timestamper, stamp_style=style)
            .sign_pdf(
                writer,
                existing_fields_only=True,
                bytes_reserved=signing.bytes_reserved(),
                appearance_text_params={"appearance": text},
            )
            .getvalue()
        )

    def issue() -> Any:
        return services.issue(
            obj=arml,
            arml=arml,
            kind="convention",
            facts=facts,
            actor=people[Role.PRESIDENT],
            role=Role.PRESIDENT,
            capacity=capacity,
            signer_slots=slots,
            sign_field="president",
        )

    render_ms, invisible_ms, sign_ms, issue_ms = _medians_ms(
        lambda: renderer.render(facts), lambda: bare_sign(visible=False), bare_sign, issue
    )
    print(f"render (reportlab)                      median {render_ms:7.1f} ms")
    print(f"sign (pyHanko, B-T, no appearance)      median {invisible_ms:7.1f} ms")
    print(f"sign (pyHanko, B-T, visible appearance) median {sign_ms:7.1f} ms")
    print(f"documents.services.issue                median {issue_ms:7.1f} ms")
    print(f"ratio issue / (render + sign) = {issue_ms / (render_ms + sign_ms):.2f} (goal ≤ 1.25)")
    print(
        f"ratio issue / (render + sign without appearance) = "
        f"{issue_ms / (render_ms + invisible_ms):.2f}"
    )

    version = issue()
    version = services.countersign(
        version=version, field="state", actor=people[Role.STATE_OFFICER], role=Role.STATE_OFFICER
    )
    version = services.countersign(
        version=version, field="region", actor=people[Role.REGION_OFFICER], role=Role.REGION_OFFICER
    )
    assert verification.verify(version).ok
    content = storage.read(version.storage_key)
    roots = [signing.to_asn1(pki.ca().certificate)]

    def bare_validate() -> None:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        for embedded in reader.embedded_signatures:
            validate_pdf_signature(embedded, context)

    def verify() -> None:
        assert verification.verify(version).ok

    bare_ms, verify_ms = _medians_ms(bare_validate, verify, rounds=9)
    print(f"validate 3 signatures (bare pyHanko) median {bare_ms:7.1f} ms")
    print(f"documents.verification.verify        median {verify_ms:7.1f} ms")
    print(f"ratio verify / bare = {verify_ms / bare_ms:.2f} (goal ≤ 1.5)")

    print("PDF size per kind (rendered; + fields and one signature when issued):")
    for kind in sorted(RENDERERS):
        kind_facts = facts_for(kind)
        rendered = get_renderer(kind).render(kind_facts)[1]
        kind_slots = kind_facts["signers"]
        issued = services.issue(
            obj=arml,
            kind=kind,
            facts=kind_facts,
            actor=people[Role.PRESIDENT],
            role=Role.PRESIDENT,
            arml=arml,
            signer_slots=kind_slots,
            sign_field=kind_slots[0]["field"],
        )
        print(f"  {kind:12} {len(rendered) / 1024:6.1f} kB  issued {issued.size / 1024:6.1f} kB")
    print(f"({Document.objects.count()} documents issued during the run)")
