"""`make bench`: run every benchmarks/bench_*.py module's run() against a throwaway database.

Benchmarks print figures; they never assert. A temporary directory holds the SQLite database
and the media files unless DATABASE_URL is already set (its test database is then used).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import tempfile
from pathlib import Path


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    with tempfile.TemporaryDirectory(prefix="arml-bench-") as tmp:
        os.environ["MEDIA_ROOT"] = str(Path(tmp) / "media")
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        import django
        from django.conf import settings

        django.setup()
        from django.test.utils import setup_databases, teardown_databases

        settings.STORAGES["documents"]["OPTIONS"] = {"location": str(Path(tmp) / "media/docs")}
        config = setup_databases(verbosity=0, interactive=False)
        try:
            selected = sys.argv[1:]
            for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
                if info.name.startswith("bench_") and (not selected or info.name in selected):
                    print(f"== {info.name}")
                    importlib.import_module(f"benchmarks.{info.name}").run()
        finally:
            teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
