"""Issue 13.4: a bounded schemathesis run over every operation of the OpenAPI schema, as a user
of each role in turn, finds no 5xx. Each refusal is a 4xx (the checks here are only "not a server
error"; the shape of the 4xx — code and French sentence naming the field — is tested with each
endpoint).

Bounded so that `make test` stays short (about two minutes on two cores): few examples per
operation (FUZZ_EXAMPLES, default 6), no shrinking, no example database. The people of every
role and a few objects of each kind are made once per operation; path ids are taken among them
half of the time, so the cases reach real objects and not only 404s."""

import json
import os
import random

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error

from governance.action_plans.services import action_plan_create
from governance.dialogues.services import dialogue_create
from governance.organisations.models import Role
from tests.workflows.conftest import World

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
APP = get_wsgi_application()


def openapi() -> dict:
    return json.loads(
        json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str)
    )


schema = schemathesis.openapi.from_dict(openapi())
# Examples and generated cases only: the coverage phase alone sends hundreds of cases per
# operation (every unsupported method, every boundary), far past the two minutes.
schema.config.phases.update(phases=["examples", "fuzzing"])


class FuzzWorld(World):
    """Every role held in one ARML, with an object of each kind the API writes on."""

    def __init__(self) -> None:
        super().__init__()
        self.headers = {}
        for role, person in self.people.items():
            _token, key = AuthToken.objects.create(person)
            self.headers[role] = {"Authorization": f"Token {key}"}
        plan = action_plan_create(
            actor=self.director,
            mission_locale=self.ml1,
            title="Mobilité",
            summary="Permis.",
            budget="10.00",
        )
        dialogue = dialogue_create(actor=self.people[Role.ARML_DIRECTOR], arml=self.arml, year=2027)
        self.ids = sorted({1, 2, plan.pk, dialogue.pk, self.arml.pk, self.ml1.pk, self.ct.pk})


@pytest.fixture
def fuzz_world(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # 13 people
    # The cases go through the WSGI application itself, whose request signals close the
    # database connection after each request: inside the test's transaction on PostgreSQL that
    # closed it for good ("the connection is closed" on every case). As Django's test client.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield FuzzWorld()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


ROLES = list(Role)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error(case, fuzz_world):
    pick = random.Random(repr(case.path_parameters) + repr(case.query) + repr(case.body)[:200])
    role = ROLES[pick.randrange(len(ROLES))]
    for name in ("id", "pk"):
        if name in (case.path_parameters or {}) and pick.random() < 0.5:
            case.path_parameters[name] = pick.choice(fuzz_world.ids)
    case.call_and_validate(app=APP, headers=fuzz_world.headers[role], checks=[not_a_server_error])
