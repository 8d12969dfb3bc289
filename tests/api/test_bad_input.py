"""Issue 13.4: the 5xx the schemathesis run found, each now a 4xx naming the field in French."""

import pytest

from tests.dialogues.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return World()


def test_an_empty_file_body_keeps_the_defaults(client, world):
    dialogue = world.dialogue()
    client.force_login(world.director)
    response = client.post(
        f"/api/v1/dialogues/{dialogue.pk}/file/", {}, content_type="application/json"
    )
    assert response.status_code < 500, response.content


def test_a_year_one_meeting_date_is_a_400_naming_the_field(client, world):
    dialogue = world.dialogue()
    client.force_login(world.director)
    response = client.post(
        f"/api/v1/dialogues/{dialogue.pk}/file/",
        {"meeting_date": "0001-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "« meeting_date »" in response.json()["detail"]


@pytest.mark.parametrize("query", ["limit=100000000000000000000", "offset=100000000000000000000"])
def test_huge_pagination_numbers_are_capped(client, world, query):
    client.force_login(world.director)
    response = client.get(f"/api/v1/dialogues/?{query}")
    assert response.status_code == 200


def test_a_nul_character_in_a_json_key_is_a_400(client, world):
    dialogue = world.dialogue()
    client.force_login(world.director)
    response = client.post(
        f"/api/v1/dialogues/{dialogue.pk}/transitions/transmit_file/",
        '{"comment": "ok", "data": {"a\\u0000b": 1}}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error" and "NUL" in response.json()["detail"]
