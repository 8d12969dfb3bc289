"""Rendering within a time budget (issue 13.1): a render runs in a worker process that is killed
once `ARML_RENDER_TIMEOUT` seconds have passed, so no text can hold a server's CPU (and the
transaction that waits for the document) for minutes. A signal alarm cannot do this: gunicorn's
threads never receive one.

Workers are started fresh ("spawn": no inherited database connection or lock), set Django up
once, then render one document after another; each server process keeps the idle ones in a
small pool, so a render costs a round trip through a pipe, not a process start. A worker past
its budget is killed and the next render starts a new one.
"""

from __future__ import annotations

import multiprocessing
import pickle
import threading
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from documents.exceptions import DocumentError, RenderTimeout
from documents.renderers.base import RenderResult

#: Seconds a render may take; 0 renders in the calling process (no budget, no worker).
DEFAULT_TIMEOUT = 20.0
#: Seconds a new worker may take to start (Django's set-up), not counted in the budget.
START_TIMEOUT = 60.0

_idle: list[_Worker] = []
_lock = threading.Lock()


def render_within_budget(renderer: Any, facts: Mapping[str, Any]) -> RenderResult:
    timeout = float(getattr(settings, "ARML_RENDER_TIMEOUT", DEFAULT_TIMEOUT) or 0)
    if timeout <= 0:
        return renderer.render_with_layout(facts)
    worker = _take()
    try:
        worker.conn.send((renderer, dict(facts)))
        if not worker.conn.poll(timeout):
            worker.kill()
            raise RenderTimeout(
                _(
                    "The document took longer than %(seconds)s s to produce: its texts are too "
                    "long. Shorten them and try again; nothing was changed."
                )
                % {"seconds": f"{timeout:g}"}
            )
        ok, payload = worker.conn.recv()
    except (EOFError, OSError, pickle.PicklingError) as exc:
        worker.kill()
        raise DocumentError(_("The document could not be produced.")) from exc
    except BaseException:
        worker.kill()
        raise
    _give_back(worker)
    if not ok:
        raise payload
    return payload


class _Worker:
    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child_end = context.Pipe()
        self.process = context.Process(target=_serve, args=(child_end,), daemon=True)
        self.process.start()
        child_end.close()
        if not self.conn.poll(START_TIMEOUT) or self.conn.recv() != "ready":
            self.kill()
            raise DocumentError(_("The document could not be produced."))

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def _take() -> _Worker:
    with _lock:
        while _idle:
            worker = _idle.pop()
            if worker.process.is_alive():
                return worker
            worker.kill()
    return _Worker()


def _give_back(worker: _Worker) -> None:
    with _lock:
        _idle.append(worker)


def _serve(conn: Any) -> None:
    """The worker's loop: renders until the server process goes away (EOF on the pipe)."""
    import django

    django.setup()
    conn.send("ready")
    while True:
        try:
            renderer, facts = conn.recv()
        except EOFError:
            return
        try:
            result: tuple[bool, Any] = (True, renderer.render_with_layout(facts))
        except Exception as exc:  # sent back and raised in the server process
            result = (False, exc if _picklable(exc) else DocumentError(str(exc)))
        conn.send(result)


def _picklable(exc: BaseException) -> bool:
    try:
        pickle.dumps(exc)
    except Exception:
        return False
    return True
