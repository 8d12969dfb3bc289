#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if sys.argv[1:2] == ["runserver"]:
        # The development server is development: DEBUG defaults to on there (README § DEBUG).
        os.environ.setdefault("DEBUG", "1")
    from django.core.exceptions import ImproperlyConfigured
    from django.db.utils import OperationalError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A configuration mistake is the operator's to fix: say which, without a traceback.
        sys.stderr.write(f"Configuration error: {exc}\n")
        sys.exit(2)
    except OperationalError as exc:
        from django.conf import settings

        from config.database import explain_operational_error

        message = explain_operational_error(exc, settings.DATABASES["default"])
        if message is None:
            raise
        sys.stderr.write(f"Database error: {message}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
