import pytest
from django.core.files.base import ContentFile

from documents import storage
from documents.models import DocumentVersion
from documents.verification import verify

pytestmark = pytest.mark.django_db


def _overwrite(version, content: bytes) -> None:
    store = storage.document_storage()
    store.delete(version.storage_key)
    assert store.save(version.storage_key, ContentFile(content)) == version.storage_key


@pytest.fixture
def signed(convention):
    return convention.countersign(convention.issue(), "state")


def test_one_byte_changed_in_the_content_is_reported(signed):
    content = bytearray(storage.read(signed.storage_key))
    at = content.index(b"stream\n", 1000) + 20  # inside the first page's content stream
    content[at] ^= 0x01
    _overwrite(signed, bytes(content))
    report = verify(signed)
    assert not report.ok and not report.hash_matches
    assert any("SHA-256" in p for p in report.problems)
    assert any(not s.intact for s in report.signatures)


def test_bytes_appended_after_eof_are_reported(signed):
    _overwrite(signed, storage.read(signed.storage_key) + b"\n% extra\n")
    report = verify(signed)
    assert not report.ok and not report.hash_matches
    assert all(s.intact and s.valid for s in report.signatures)  # PAdES alone would accept
    assert any("SHA-256" in p for p in report.problems)


def test_an_altered_signature_value_is_reported(signed):
    content = storage.read(signed.storage_key)
    start = content.rindex(b"/Contents <") + len(b"/Contents <")
    # The CMS ends with the ECDSA value; flip a hex digit near its end (before the padding).
    end = content.index(b">", start)
    hex_part = content[start:end].rstrip(b"0")
    at = start + len(hex_part) - 4
    flipped = b"0" if content[at : at + 1] != b"0" else b"1"
    _overwrite(signed, content[:at] + flipped + content[at + 1 :])
    report = verify(signed)
    assert not report.ok
    last = report.signatures[-1]
    assert not last.valid or not last.intact or last.problems
    assert any("signature" in reason.lower() or "SHA-256" in reason for reason in report.reasons)


def test_a_version_whose_bytes_do_not_extend_its_parent_is_reported(convention):
    first = convention.issue()
    other = convention.issue(facts={"title": "Autre", "reference": "X-2"})
    stranger = DocumentVersion.objects.create(
        document=first.document,
        n=2,
        parent=first,
        sha256=other.sha256,
        size=other.size,
        storage_key=storage.write("convention", storage.read(other.storage_key)),
        filename=other.filename,
    )
    report = verify(stranger)
    assert report.extends_parent is False
    assert any("extend" in p or "prolong" in p for p in report.problems)


@pytest.mark.parametrize("garbage", [b"", b"not a pdf", b"%PDF-1.7\n%%EOF", b"%PDF" + bytes(500)])
def test_garbage_bytes_fail_verification_without_raising(convention, garbage):
    version = convention.issue()
    _overwrite(version, garbage)
    report = verify(version)
    assert not report.ok and report.reasons


def test_a_missing_file_fails_verification(convention):
    version = convention.issue()
    storage.document_storage().delete(version.storage_key)
    report = verify(version)
    assert not report.ok and report.problems
