"""Environment parsing through django-environ, made strict: a malformed value stops start-up
naming the variable (a setting fails loudly rather than silently defaulting).

django-environ reads the variables and parses the URLs (database, e-mail); on its own it would
read `DEBUG=maybe` as False and let a port that is not a number through as a bare ValueError, so
this module narrows what it accepts and turns every parsing error into an ImproperlyConfigured
that names the variable (manage.py prints it as "Configuration error: …" and exits 2).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_DATABASE_ENGINES = {
    "django.db.backends.sqlite3": "sqlite",
    "django.db.backends.postgresql": "postgres",
}


class StrictEnv(environ.Env):  # type: ignore[misc]  # django-environ has no annotations
    """environ.Env whose errors name the variable, and whose booleans are only yes or no."""

    def get_value(
        self,
        var: str,
        cast: Any = None,
        default: Any = environ.Env.NOTSET,
        parse_default: bool = False,
    ) -> Any:
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except ImproperlyConfigured:
            raise
        except (ValueError, TypeError) as exc:
            raw = self.ENVIRON.get(var)
            raise ImproperlyConfigured(f"{var}={raw!r} is malformed: {exc}") from None

    @classmethod
    def parse_value(cls, value: Any, cast: Any) -> Any:
        if cast is bool and isinstance(value, str):
            word = value.strip().lower()
            if word in _TRUE:
                return True
            if word in _FALSE:
                return False
            raise ValueError("not a boolean (use 1/0, true/false, yes/no)")
        if cast is list and isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return super().parse_value(value, cast)


env = StrictEnv()


def env_bool(name: str, default: bool) -> bool:
    return bool(env.bool(name, default=default))


def env_int(name: str, default: int) -> int:
    return int(env.int(name, default=default))


def env_str(name: str, default: str = "") -> str:
    return str(env.str(name, default=default))


def env_list(name: str, default: list[str]) -> list[str]:
    return list(env.list(name, default=default))


def env_path(name: str, default: Path) -> Path:
    raw = env.str(name, default="")
    return Path(raw).expanduser() if raw else default


def env_set(name: str) -> bool:
    """Whether the variable is present in the environment, even empty."""
    return name in env.ENVIRON


def parse_database_url(url: str, *, name: str = "DATABASE_URL") -> dict[str, Any]:
    """sqlite:///path, sqlite:///:memory:, postgres://user:pass@host:port/db?sslmode=…"""
    try:
        with warnings.catch_warnings():  # an unknown scheme: refused below, naming the variable
            warnings.simplefilter("ignore")
            config = environ.Env.db_url_config(url)
    except (ValueError, TypeError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"{name} is malformed ({exc}): {url!r}") from None
    engine = config.get("ENGINE", "")
    if engine not in _DATABASE_ENGINES:
        scheme = url.partition(":")[0]
        raise ImproperlyConfigured(
            f"{name} has an unsupported scheme {scheme!r}: "
            f"use sqlite:///… or postgres://… (got {url!r})"
        )
    if _DATABASE_ENGINES[engine] == "sqlite":
        if not config["NAME"] or (config["NAME"] == ":memory:" and ":memory:" not in url):
            raise ImproperlyConfigured(f"{name} needs a file path: sqlite:///path/to/db.sqlite3")
        return {"ENGINE": engine, "NAME": config["NAME"]}
    if not config.get("NAME") or "/" in config["NAME"]:
        raise ImproperlyConfigured(
            f"{name} must name one database: postgres://user@host:5432/dbname (got {url!r})"
        )
    return {
        **config,
        "PORT": str(config.get("PORT") or ""),
        "OPTIONS": dict(config.get("OPTIONS") or {}),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def parse_email_url(url: str, *, name: str = "EMAIL_URL") -> dict[str, Any]:
    """smtp://user:pass@host:port, smtp+tls://…, smtp+ssl://…, consolemail://, … → a MAILERS entry."""
    try:
        config = environ.Env.email_url_config(url)
    except (ValueError, TypeError, KeyError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"{name} is malformed ({exc}): {url!r}") from None
    backend = config.get("EMAIL_BACKEND")
    if not backend:
        raise ImproperlyConfigured(
            f"{name} has an unsupported scheme: use smtp://, smtp+tls:// or smtp+ssl:// "
            f"(got {url!r})"
        )
    if not backend.endswith("smtp.EmailBackend"):
        return {"BACKEND": backend}
    if not config.get("EMAIL_HOST"):
        raise ImproperlyConfigured(f"{name} must name the SMTP host: smtp://host:587 (got {url!r})")
    options = {
        "host": config["EMAIL_HOST"],
        "port": config.get("EMAIL_PORT"),
        "username": config.get("EMAIL_HOST_USER") or "",
        "password": config.get("EMAIL_HOST_PASSWORD") or "",
        "use_tls": bool(config.get("EMAIL_USE_TLS")),
        "use_ssl": bool(config.get("EMAIL_USE_SSL")),
    }
    return {"BACKEND": backend, "OPTIONS": {k: v for k, v in options.items() if v is not None}}
