"""The request of a logged-in person, for the type checker.

Views behind `login_required` (or DRF's IsAuthenticated) receive a request whose user is a
`Person`, never AnonymousUser; annotating them with this type says so once instead of a check in
every view (django-stubs' recommended pattern).
"""

from __future__ import annotations

from django.http import HttpRequest

from governance.organisations.models import Person


class AuthenticatedRequest(HttpRequest):
    user: Person
