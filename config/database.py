"""Say what to do when the database cannot be reached, instead of a page of traceback."""

from __future__ import annotations

import re
import shlex
from typing import Any


def explain_operational_error(exc: BaseException, database: dict[str, Any]) -> str | None:
    """An operator's sentence for a connection failure we recognise, else None."""
    text = str(exc)
    if database.get("ENGINE", "").endswith("sqlite3"):
        if "unable to open database file" in text:
            return (
                f"Cannot open the SQLite database {database.get('NAME')!r}: "
                "does its folder exist, and may this user write there?"
            )
        return None
    host = database.get("HOST") or "localhost"
    port = database.get("PORT") or "5432"
    user = database.get("USER") or ""
    name = database.get("NAME") or ""
    where = f"PostgreSQL at {host}:{port}"
    if re.search(r'database "[^"]*" does not exist', text):
        command = ["createdb", "-h", host, "-p", str(port)]
        if user:
            command += ["-U", user]
        command.append(name)
        return (
            f"The database {name!r} does not exist on {where}. Create it, then run the command "
            f"again:\n  {shlex.join(command)}"
        )
    if re.search(r'role "[^"]*" does not exist|password authentication failed', text):
        return f"{where} refused the user {user!r}: check the user and password in DATABASE_URL."
    if "Connection refused" in text or "could not translate host name" in text:
        return f"Cannot reach {where}: is the server running? Else fix DATABASE_URL."
    return None
