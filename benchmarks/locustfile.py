"""Load test (issue 15): simulated people of the demo using the main pages against the
production server. `make bench-load` starts gunicorn on PostgreSQL with the demo and runs this
file with 50 users; the goal is a 95th percentile of at most 200 ms.

Each simulated user is one of the demo's people (round robin), logged in beforehand
(BENCH_SESSIONS: a JSON file of session cookies written by scripts/bench-load, since a login's
password hash is slow by design and people log in once a day) or through the login page, then
reads pages with the weights below, pausing 1 to 3 seconds between pages as a person would.
"""

from __future__ import annotations

import itertools
import json
import os
import re

from locust import HttpUser, between, task

PASSWORD = os.environ.get("BENCH_PASSWORD", "demo-arml-2026")
PEOPLE = itertools.cycle(
    ["presidente", "directrice", "secretaire", "etat", "region", "auditeur", "dir-brest"]
)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LINK = re.compile(r'href="(/(?:conventions|seances|plans-action)/\d+/)"')


class Person(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.username = next(PEOPLE)
        sessions = os.environ.get("BENCH_SESSIONS")
        if sessions:
            cookie = json.load(open(sessions))[self.username]
            self.client.cookies.set("sessionid", cookie)
        else:
            page = self.client.get("/connexion/", name="login page")
            token = CSRF.search(page.text).group(1)
            done = self.client.post(
                "/connexion/",
                {"csrfmiddlewaretoken": token, "username": self.username, "password": PASSWORD},
                name="login",
            )
            done.raise_for_status()
        # The objects this person can open, found from their lists (as they would).
        self.objects: list[str] = []
        for listing in ("/conventions/", "/seances/", "/plans-action/"):
            self.objects += LINK.findall(self.client.get(listing, name=listing).text)[:3]

    @task(4)
    def home(self) -> None:
        self.client.get("/", name="home (inbox)")

    @task(3)
    def an_object(self) -> None:
        if self.objects:
            path = self.objects[hash((self.username, len(self.objects))) % len(self.objects)]
            kind = path.split("/")[1]
            self.client.get(path, name=f"/{kind}/<id>/")

    @task(1)
    def lists(self) -> None:
        self.client.get("/conventions/", name="/conventions/")
        self.client.get("/seances/", name="/seances/")

    @task(1)
    def journal(self) -> None:
        if self.username == "auditeur":
            self.client.get("/journal/", name="/journal/")
        else:
            self.client.get("/notifications/", name="/notifications/")
