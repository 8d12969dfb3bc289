import pytest
from django.urls import reverse

from documents import storage
from governance.organisations.models import Role
from tests.factories import ArmlFactory, PersonFactory, person_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(convention):
    return convention.countersign(convention.issue(), "state")


def test_the_version_page_states_the_verification_report(client, convention, version):
    client.force_login(convention.president)
    response = client.get(reverse("documents:version_detail", args=[version.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "alert-success" in html and "Jérôme Müller" in html
    assert reverse("documents:version_download", args=[version.pk]) in html


def test_the_document_url_leads_to_its_latest_version(client, convention, version):
    client.force_login(convention.president)
    response = client.get(reverse("documents:document_detail", args=[version.document_id]))
    assert response.url == version.get_absolute_url()


def test_download_gives_the_exact_bytes(client, convention, version):
    client.force_login(convention.state)
    response = client.get(reverse("documents:version_download", args=[version.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == storage.read(version.storage_key)


def test_a_tampered_file_shows_an_alert(client, convention, version):
    path = storage.document_storage().path(version.storage_key)
    with open(path, "ab") as handle:
        handle.write(b"junk")
    client.force_login(convention.president)
    html = client.get(reverse("documents:version_detail", args=[version.pk])).content.decode()
    assert 'role="alert"' in html


@pytest.mark.parametrize("name", ["documents:version_detail", "documents:version_download"])
def test_a_user_outside_the_arml_gets_404(client, version, name):
    outsider = person_with_role(Role.PRESIDENT, ArmlFactory())
    client.force_login(outsider)
    assert client.get(reverse(name, args=[version.pk])).status_code == 404


def test_a_superuser_sees_everything(client, version):
    client.force_login(PersonFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse("documents:version_detail", args=[version.pk])).status_code == 200


def test_api_document_content_and_verify(client, convention, version):
    client.force_login(convention.region)
    document = client.get(f"/api/v1/documents/{version.document_id}/").json()
    assert [v["n"] for v in document["versions"]] == [1, 2]
    assert document["versions"][1]["signature"]["field"] == "state"
    content = client.get(f"/api/v1/document-versions/{version.pk}/content/")
    assert b"".join(content.streaming_content) == storage.read(version.storage_key)
    report = client.get(f"/api/v1/document-versions/{version.pk}/verify/").json()
    assert report["ok"] is True and len(report["signatures"]) == 2


def test_api_is_scoped(client, version):
    client.force_login(person_with_role(Role.PRESIDENT, ArmlFactory()))
    assert client.get(f"/api/v1/documents/{version.document_id}/").status_code == 404
    assert client.get(f"/api/v1/document-versions/{version.pk}/verify/").status_code == 404
    assert client.get("/api/v1/documents/").json()["count"] == 0
