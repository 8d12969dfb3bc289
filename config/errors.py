"""The site's error answers: French pages in the layout, JSON under /api/ (config/api.py's shape).

Django's own views render the templates (templates/400.html…); these wrappers only answer the API
in JSON and keep a 500 page even when the layout itself cannot be rendered.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

log = logging.getLogger(__name__)

API_PREFIX = "/api/"

# Served when even the layout fails (a broken template, a missing static manifest…).
BARE_500 = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Erreur du serveur</title></head>
<body><main><h1>Erreur du serveur</h1>
<p>Une erreur s'est produite de notre côté et la page n'a pas pu être affichée.
Réessayez dans quelques minutes ; si le problème persiste, contactez votre ARML.</p>
<p><a href="/">Aller à la page d'accueil</a></p></main></body></html>"""


def _api(request: HttpRequest | None) -> bool:
    return request is not None and request.path.startswith(API_PREFIX)


def _json(code: str, detail: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _api(request):
        return _json("bad_request", _("Bad request."), 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _api(request):
        return _json("permission_denied", str(exception) or _("Access denied."), 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _api(request):
        return _json("not_found", _("Not found."), 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _api(request):
        return _json("server_error", _("Server error."), 500)
    try:
        return defaults.server_error(request)
    except Exception:  # the error page must not fail in turn
        log.exception("The 500 page could not be rendered")
        return HttpResponseServerError(BARE_500)
