"""API tokens (issue 13.13), through django-rest-knox: the token is shown once, when it is made;
the database keeps only its SHA-512 digest and its expiry (90 days, ARML_API_TOKEN_DAYS).

POST /api/v1/auth/token/          with HTTP Basic (username, password) or a session: a new token
POST /api/v1/auth/token/revoke/   with the token: revokes it
POST /api/v1/auth/token/revoke-all/                 revokes every token of the person

Basic authentication goes through Django's `authenticate`, so django-axes' lockout applies."""

from drf_spectacular.utils import extend_schema, inline_serializer
from knox import views as knox_views
from rest_framework import serializers
from rest_framework.authentication import BasicAuthentication, SessionAuthentication

TOKEN = inline_serializer(
    "ApiToken", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
)


@extend_schema(request=None, responses={200: TOKEN})
class TokenLoginView(knox_views.LoginView):
    authentication_classes = [BasicAuthentication, SessionAuthentication]


@extend_schema(request=None, responses={204: None})
class TokenLogoutView(knox_views.LogoutView):
    pass


@extend_schema(request=None, responses={204: None})
class TokenLogoutAllView(knox_views.LogoutAllView):
    pass
