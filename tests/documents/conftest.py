from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from documents import services
from documents.models import DocumentVersion
from documents.samples import convention_facts, signer_slots_for_convention
from governance.organisations.models import Arml, FunderKind, Person, Role
from tests.factories import ArmlFactory, FunderFactory, PersonFactory, give_mandate
from workflows.documents import signer_capacity


@dataclass
class Convention:
    arml: Arml
    president: Person
    state: Person
    region: Person

    def issue(self, **overrides: Any) -> DocumentVersion:
        kwargs: dict[str, Any] = {
            "obj": self.arml,
            "arml": self.arml,
            "kind": "convention",
            "facts": convention_facts(),
            "actor": self.president,
            "role": Role.PRESIDENT,
            "capacity": signer_capacity(self.president, Role.PRESIDENT, self.arml),
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
        return services.countersign(
            version=version,
            field=field,
            actor=person,
            role=role,
            capacity=signer_capacity(person, role, self.arml),
        )


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


# PKCS#11 with SoftHSM2 -----------------------------------------------------------------------

SOFTHSM_MODULES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib64/pkcs11/libsofthsm2.so",
)


@dataclass(frozen=True)
class SoftToken:
    module: str
    label: str
    pin: str
    conf: Path


def _softhsm_missing(reason: str) -> None:
    if os.environ.get("PKCS11_REQUIRE") == "1":
        pytest.fail(
            f"{reason}; PKCS11_REQUIRE=1 (CI) makes this a failure: apt-get install softhsm2",
            pytrace=False,
        )
    pytest.skip(f"{reason} (apt-get install softhsm2; set PKCS11_REQUIRE=1 to fail instead)")


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoftToken]:
    """A fresh SoftHSM2 token in a temporary directory, for the whole test session.

    SoftHSM reads SOFTHSM2_CONF when the module is initialised, once per process: the variable
    points to a configuration of our own (its own token directory) before anything loads it.
    """
    util = shutil.which("softhsm2-util")
    module = next((m for m in SOFTHSM_MODULES if Path(m).is_file()), None)
    if util is None or module is None:
        _softhsm_missing("softhsm2 is not installed (no softhsm2-util or libsofthsm2.so)")
    root = tmp_path_factory.mktemp("softhsm")
    (root / "tokens").mkdir()
    conf = root / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    token = SoftToken(module=str(module), label="arml-test", pin="2468-test", conf=conf)
    result = subprocess.run(
        [
            str(util),
            "--init-token",
            "--free",
            "--label",
            token.label,
            "--pin",
            token.pin,
            "--so-pin",
            "1357-so-test",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        _softhsm_missing(f"softhsm2-util --init-token failed: {result.stderr.strip()}")
    yield token
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture
def token_settings(settings: Any, softhsm: SoftToken) -> Iterator[Any]:
    """Settings pointing at the SoftHSM token (platform keys in it; signers' keys as well when
    the test sets ARML_PKCS11_SIGNER_KEYS), with nothing cached from other tests."""
    from documents import signing

    settings.ARML_PKCS11_MODULE = softhsm.module
    settings.ARML_PKCS11_TOKEN_LABEL = softhsm.label
    settings.ARML_PKCS11_PIN = softhsm.pin
    settings.ARML_PKCS11_PIN_FILE = ""
    settings.ARML_PKCS11_SIGNER_KEYS = False
    signing.reset_caches()
    yield settings
    signing.reset_caches()
