"""What every scenario does the same way: act over HTTP as a person, sign, hold a meeting, end
with the ledger and the documents verified.

Every signature goes through `sign()`, under the second factor as in production
(tests/scenarios/conftest.py turns it on): the signer's authenticator app is enrolled from the
profile pages on their first signature, and `sign()` types its current code — or none while the
signer's session is confirmed (ARML_SECOND_FACTOR_MINUTES). `step()` performs the transitions
that sign nothing, and refuses one that does, so no signature can slip past `sign()`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import re
import struct
import time
from base64 import b32decode
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client, TestCase

PARIS = ZoneInfo("Europe/Paris")
JSON = "application/json"


def at(day: dt.date, hour: int = 14, minute: int = 0) -> dt.datetime:
    """A moment of an ARML's day, in Paris time (where its meetings are held)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def call(client: Client, method: str, url: str, data: Any = None, *, status: int = 200) -> Any:
    """One HTTP request; the answer's JSON (or the response for a page). Callbacks after commit
    run as they would after a real request (circuits advance, e-mails leave)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        if method == "get":
            response = client.get(url)
        else:
            response = getattr(client, method)(url, data or {}, content_type=JSON)
    assert response.status_code == status, (method, url, response.status_code, response.content)
    if response.get("Content-Type", "").startswith("application/json"):
        return response.json()
    return response


def get(client: Client, url: str, *, status: int = 200) -> Any:
    return call(client, "get", url, status=status)


def post(client: Client, url: str, data: Any = None, *, status: int = 200) -> Any:
    return call(client, "post", url, data, status=status)


def page(client: Client, url: str, data: dict[str, Any] | None = None, *, status: int = 200) -> str:
    """A page as a person sees it (GET), or a form sent from it (POST, followed)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        if data is None:
            response = client.get(url, follow=True)
        else:
            response = client.post(url, data, follow=True)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


# -- the second factor -----------------------------------------------------------------------
TOTP_STEP = 30  # seconds: RFC 6238, as every authenticator app and django-otp count


def totp(secret: str, step: int) -> str:
    """The 6 digits an authenticator app shows for `secret` during `step` (RFC 6238, SHA-1)."""
    key = b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


class Authenticator:
    """A person's authenticator app: the secret the profile page showed at enrolment, the last
    30-s step whose code the server accepted (it never takes a step twice), and the session a
    code last confirmed, with when (the server lets that session sign without a code for
    ARML_SECOND_FACTOR_MINUTES). `clock`: the scenario's, to wait for the next code."""

    def __init__(self, clock: Any, secret: str = "") -> None:
        self.clock = clock
        self.secret = secret  # given: enrolled already (the demo's accounts, its published one)
        self.last_step = -1
        self.confirmed: tuple[str, float] | None = None

    @staticmethod
    def step_now() -> int:
        return int(time.time() // TOTP_STEP)

    def wait_for_a_new_code(self) -> None:
        """As a person waits a few seconds for the app's next code."""
        if self.step_now() <= self.last_step:
            assert self.clock is not None, "this step's code is spent: give the clock to wait"
            self.clock.move_to((self.last_step + 1) * TOTP_STEP + 1)

    def code(self) -> str:
        self.wait_for_a_new_code()
        return totp(self.secret, self.step_now())

    def accepted(self, code: str, session_key: str) -> None:
        """The server took `code` (or the session's confirmation, when `code` is "")."""
        if code:
            self.last_step = self.step_now()
            self.confirmed = (session_key, time.time())

    def window_covers(self, session_key: str) -> bool:
        """Whether this session's confirmation still vouches (a minute's margin)."""
        if self.confirmed is None or self.confirmed[0] != session_key:
            return False
        minutes = settings.ARML_SECOND_FACTOR_MINUTES
        return time.time() - self.confirmed[1] < minutes * 60 - 60


def authenticator(client: Client) -> Authenticator:
    app: Authenticator | None = getattr(client, "authenticator", None)
    assert app is not None, "a signer's client comes from world.as_() (or give its app)"
    return app


def enrol(client: Client, app: Authenticator | None = None) -> Authenticator:
    """Enrol an authenticator app as a person does from their profile page: start, read the
    secret the page shows, type the app's first code; the recovery codes are shown once."""
    app = app or authenticator(client)
    if app.secret:
        return app
    html = page(client, "/profil/second-facteur/totp/nouveau/", {})
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7]+)<', html)
    assert secret, html
    app.secret = secret.group(1)
    code = app.code()
    html = page(client, "/profil/second-facteur/totp/", {"otp": code})
    assert 'id="recovery-codes"' in html, html
    app.last_step = app.step_now()  # the enrolment's code is spent: never accepted again
    return app


def asks_second_factor(client: Client, url: str) -> bool:
    """Whether the transition at `url` asks for a second factor, as its page and the API's
    options say (an act that produces a document without a signature slot does not)."""
    options_url, name = url.rstrip("/").rsplit("/", 1)
    options = get(client, options_url + "/")
    (option,) = [o for o in options if o["name"] == name]
    return bool(option["second_factor"])


def sign(
    client: Client,
    url: str,
    *,
    comment: str = "",
    data: dict[str, Any] | None = None,
    status: int = 200,
    app: Authenticator | None = None,
) -> dict[str, Any]:
    """Perform a transition that signs a document (`url`: …/transitions/<name>/): the act plus
    what signing requires — the signer's second factor (enrolled on their first signature), the
    app's current code unless this session was confirmed within the window. Answers the
    transition's result (or the refusal's body). `app`: the signer's authenticator, when the
    client is not one of world.as_()'s."""
    app = enrol(client, app)
    session_key = client.session.session_key or ""
    code = ""
    if asks_second_factor(client, url) and not app.window_covers(session_key):
        code = app.code()
    payload: dict[str, Any] = {"comment": comment, "data": data or {}}
    if code:
        payload["otp"] = code
    body = post(client, url, payload, status=status)
    if status == 200:
        assert body["document_version"], f"{url} signed nothing: use step()"
        app.accepted(code, session_key)
    return body


def act(
    client: Client,
    url: str,
    *,
    comment: str = "",
    data: dict[str, Any] | None = None,
    app: Authenticator | None = None,
) -> dict[str, Any]:
    """A transition whether it signs or not, for the scenarios that do not tell them apart:
    through `sign()` when it asks for a second factor."""
    if asks_second_factor(client, url):
        return sign(client, url, comment=comment, data=data, app=app)
    return post(client, url, {"comment": comment, "data": data or {}})


def step(
    client: Client,
    url: str,
    *,
    comment: str = "",
    data: dict[str, Any] | None = None,
    status: int = 200,
) -> dict[str, Any]:
    """Perform a transition that signs nothing (`url`: …/transitions/<name>/)."""
    body = post(client, url, {"comment": comment, "data": data or {}}, status=status)
    if status == 200:
        assert not body["document_version"], f"{url} signs a document: use sign()"
    return body


def refused(
    client: Client, url: str, code: str, *, status: int = 403, data: Any = None
) -> dict[str, Any]:
    """An act refused with its code (a transition's or any other act's URL)."""
    payload = data if data is not None else {"comment": "Tentative.", "data": {}}
    body = post(client, url, payload, status=status)
    assert body["code"] == code, body
    return body


# -- meetings ------------------------------------------------------------------------------------
class Meeting:
    """A meeting played over the API and the pages by the people whose acts they are."""

    def __init__(self, world: Any, body: str, when: dt.datetime, items: list[dict[str, Any]]):
        self.world, self.body, self.when, self.items = world, body, when, items
        self.id: int | None = None

    @property
    def url(self) -> str:
        return f"/api/v1/meetings/{self.id}/"

    def t(self, name: str) -> str:
        return f"{self.url}transitions/{name}/"

    def plan(self, convener: str) -> dict[str, Any]:
        body = post(
            self.world.as_(convener),
            "/api/v1/meetings/",
            {
                "body": self.world.body(self.body),
                "starts_at": self.when.isoformat(),
                "place": "Siège de l'ARML, Toulouse",
                "items": self.items,
            },
            status=201,
        )
        self.id = body["id"]
        return body

    def convene(self, convener: str) -> None:
        mail.outbox.clear()
        sign(self.world.as_(convener), self.t("convene"))

    def receipts(self, people: list[str] | None = None) -> int:
        """Members follow the personal link of their convocation e-mail (no login needed)."""
        links = [
            (m.to[0], link)
            for m in mail.outbox
            for link in re.findall(r"https?://[^\s\"<>]+/convocations/reception/[^\s\"<>]+", m.body)
        ]
        wanted = None if people is None else {self.world.email(p) for p in people}
        anonymous = Client()
        done = 0
        for to, link in links:
            if wanted is None or to in wanted:
                path = link.split("://", 1)[1].split("/", 1)[1]
                page(anonymous, "/" + path)
                done += 1
        rows = get(self.world.as_(self.world.secretary), f"{self.url}invitations/")
        return sum(1 for r in rows if r["received_at"])

    def hold(
        self,
        *,
        present: list[str] | None = None,
        absent: list[str] | None = None,
        votes: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """On its day: the secretary opens it, records the sheet and starts the session (or the
        convener records the lapse); then every voice on every item."""
        w = self.world
        secretary = w.as_(w.secretary)
        sign(secretary, self.t("open"))
        members = {str(pk) for pk in self.members()}
        statuses = dict.fromkeys(members, "present")
        for username in absent or []:
            statuses[str(w.pk(username))] = "absent"
        if present is not None:
            statuses = {pk: "absent" for pk in members}
            for username in present:
                statuses[str(w.pk(username))] = "present"
        post(secretary, f"{self.url}attendance-sheet/", {"statuses": statuses})
        if not self.state()["quorum"]["met"]:
            return self.state()
        sign(secretary, self.t("start_session"))
        state = self.state()
        for item in state["items"]:
            if item["kind"] == "information":
                continue
            for pk, status in statuses.items():
                if status == "absent":
                    continue
                choice = (votes or {}).get(w.username_of(int(pk)), "for")
                post(
                    secretary,
                    f"{self.url}votes/",
                    {"item": item["id"], "voter": int(pk), "choice": choice},
                )
        return self.state()

    def close(self, convener: str) -> None:
        sign(self.world.as_(convener), self.t("close"))

    def countersign(self) -> None:
        sign(self.world.as_(self.world.secretary), self.t("sign_minutes"))

    def members(self) -> list[int]:
        """The members convened (one invitation each)."""
        rows = get(self.world.as_(self.world.secretary), f"{self.url}invitations/")
        return [r["person"] for r in rows]

    def state(self) -> dict[str, Any]:
        return get(self.world.as_(self.world.secretary), self.url)

    def deliberations(self) -> list[dict[str, Any]]:
        rows = get(self.world.as_(self.world.secretary), "/api/v1/deliberations/?limit=500")
        rows = rows["results"] if isinstance(rows, dict) else rows
        return [d for d in rows if d["meeting"] == self.id]


def subject_key(model: str, pk: int) -> str:
    return f"governance.{model}:{pk}"


# -- a CPOM in force, the starting point of later scenarios ----------------------------------
def cpom_in_force(world: Any, board_day: dt.date = dt.date(2026, 2, 10)) -> dict[str, Any]:
    """Scenario (a)'s path without its checks: drafted, agreed, adopted by the board on its day,
    signed, countersigned. Answers the convention."""
    director = world.as_(world.director)
    state, region = world.state_funder, world.region_funder
    conv = post(
        director,
        "/api/v1/conventions/",
        {
            "arml": world.arml.pk,
            "title": "CPOM 2026-2028 de l'ARML Occitanie",
            "start_year": 2026,
            "end_year": 2028,
            "parties": [state, region],
            "objectives": {"1": "Accompagner les Missions Locales dans le CEJ."},
            "funding_lines": [
                {"year": y, "funder": f, "function": fn, "amount": amount}
                for y in (2026, 2027, 2028)
                for f, fn, amount in ((state, 1, "150000.00"), (region, 2, "90000.00"))
            ],
        },
        status=201,
    )
    url = f"/api/v1/conventions/{conv['id']}/transitions/"
    for name in ("submit_for_consultation", "open_negotiation", "request_agreement"):
        sign(director, url + name + "/")
    for officer in (world.state, world.region):
        sign(world.as_(officer), url + "agree/")
    board = Meeting(
        world,
        "CA",
        at(board_day, 14),
        [{"title": "Adoption du CPOM", "subject": subject_key("convention", conv["id"])}],
    )
    board.plan(world.president)
    board.convene(world.president)
    world.travel(at(board_day, 13, 30))
    board.hold()
    board.close(world.president)
    world.travel(at(board_day + dt.timedelta(days=2), 10))
    board.countersign()
    president = world.as_(world.president)
    sign(president, url + "adopt/")
    sign(president, url + "sign/")
    sign(world.as_(world.state), url + "countersign/")
    sign(world.as_(world.region), url + "countersign/")
    conv = get(director, f"/api/v1/conventions/{conv['id']}/")
    assert conv["state"] == "in_force", conv
    return conv


def board_decides(world: Any, day: dt.date, title: str, subject: str) -> dict[str, Any]:
    """A board meeting on `day` adopts one item on `subject`; its minutes countersigned two days
    later. Answers the deliberation."""
    board = Meeting(world, "CA", at(day, 14), [{"title": title, "subject": subject}])
    board.plan(world.president)
    board.convene(world.president)
    world.travel(at(day, 13, 30))
    board.hold()
    board.close(world.president)
    world.travel(at(day + dt.timedelta(days=2), 10))
    board.countersign()
    (deliberation,) = board.deliberations()
    assert deliberation["adopted"] and deliberation["final"], deliberation
    return deliberation


# -- the end of every scenario ----------------------------------------------------------------
def ledger_verified() -> str:
    """`manage.py audit verify`, as an operator runs it; clean or the test fails."""
    out = io.StringIO()
    call_command("audit", "verify", stdout=out, stderr=out)
    return out.getvalue()


def documents_verified(client: Client, kinds: set[str] | None = None) -> list[dict[str, Any]]:
    """Each document's latest version verified through the documents API: every signature
    intact and trusted. Answers the reports."""
    docs = get(client, "/api/v1/documents/?limit=500")
    docs = docs["results"] if isinstance(docs, dict) else docs
    reports = []
    for doc in docs:
        if kinds and doc["kind"] not in kinds:
            continue
        latest = max(doc["versions"], key=lambda v: v["n"])
        report = get(client, f"/api/v1/document-versions/{latest['id']}/verify/")
        assert report["ok"] and not report["problems"], (doc["kind"], doc["title"], report)
        assert all(s["ok"] for s in report["signatures"]), report
        reports.append({"kind": doc["kind"], "title": doc["title"], **report})
    return reports
