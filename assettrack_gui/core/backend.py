"""Which database a ``--db`` / ``ASSETTRACK_DB`` value names: a SQLite file or a PostgreSQL server.

The one place that decides, used by the admin CLI, the app and the report workers:

- ``postgresql://…`` or ``postgres://…`` (any libpq connection URI, including the socket form
  ``postgresql://user@/dbname?host=/socket/dir&port=5433``) is a PostgreSQL database;
- anything else is a path to a SQLite file (the default);
- a value that looks like a URL but is not one AssetTrack can use (``mysql://…``,
  ``postgresql:dbname``, a URI libpq rejects) is a ``UsageError``, never a folder named
  ``postgresql:``;
- a URI that carries a password is refused: passwords come from libpq's own sources
  (``PGPASSWORD``, ``~/.pgpass``, a service file), never from a command line or a settings file.

psycopg is imported only here and in ``core.pg_store``, and only when a server is named.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from . import paths
from .errors import UsageError

if TYPE_CHECKING:
    from .store import Store

SCHEMES = ("postgresql", "postgres")
# scheme://… (two letters at least, so C:\… and C://… stay Windows paths), or postgresql:…
_URL_LIKE = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]+)://|^(?P<pg>postgres(?:ql)?):", re.I)

PASSWORD_HELP = (
    "AssetTrack never takes a password in the database address (it would be seen in the "
    "process list and kept in settings files). Give the address without it, e.g. "
    "postgresql://user@host/dbname, and put the password where PostgreSQL's libpq looks for it: "
    "a line host:port:dbname:user:password in ~/.pgpass (mode 0600), the PGPASSWORD variable, "
    "or a service in ~/.pg_service.conf (postgresql://?service=NAME)."
)
INSTALL_HELP = (
    "PostgreSQL support is not installed: install AssetTrack with its postgres extra "
    "(pip install 'assettrack[postgres]'), which brings psycopg 3."
)


class ServerDatabase(NamedTuple):
    """A PostgreSQL database, named by a libpq URI that holds no password."""

    uri: str

    @property
    def name(self) -> str:
        """The database name (window titles); libpq's default (the user name) when not given."""
        path = urlsplit(self.uri).path.lstrip("/")
        query = dict(parse_qsl(urlsplit(self.uri).query))
        return unquote(path) or query.get("dbname", "") or "(default database)"

    def __str__(self) -> str:
        return self.uri


Target = Path | ServerDatabase


def is_server(target: object) -> bool:
    return isinstance(target, ServerDatabase)


def storage_key(where: object) -> str:
    """How files kept per database (anchor, pending batch) name it: a file by its resolved
    path, a server database by its URI."""
    if isinstance(where, ServerDatabase):
        return where.uri
    return str(Path(str(where)).expanduser().resolve())


def looks_like_url(value: str) -> bool:
    return _URL_LIKE.match(value.strip()) is not None


def parse(value: str | Path) -> Target:
    """The database a ``--db`` value names. A ``UsageError`` for a URL that cannot be used."""
    if isinstance(value, Path):
        return value
    text = value.strip()
    found = _URL_LIKE.match(text)
    if found is None:
        return Path(value).expanduser()
    scheme = (found["scheme"] or found["pg"]).lower()
    if scheme not in SCHEMES:
        raise UsageError(
            f"{value!r} looks like a {scheme}:// address; AssetTrack opens a SQLite file (give "
            "its path) or a PostgreSQL database (postgresql://user@host:port/dbname)."
        )
    if found["pg"]:
        raise UsageError(
            f"{value!r} is not a PostgreSQL address: write it as postgresql://user@host:port/dbname "
            "(or postgresql://user@/dbname?host=/socket/dir for a local socket)."
        )
    try:
        parts = urlsplit(text)
        query = parse_qsl(parts.query, keep_blank_values=True)
        password = parts.password
    except ValueError:  # e.g. an unclosed [IPv6] host: libpq's words follow
        query, password = [], None
    if password is not None or any(k.lower() == "password" for k, _ in query):
        raise UsageError(f"The database address contains a password. {PASSWORD_HELP}")
    try:
        from psycopg import conninfo
    except ImportError:
        raise UsageError(INSTALL_HELP) from None
    try:
        params = conninfo.conninfo_to_dict(text)
    except Exception as exc:  # psycopg.ProgrammingError: libpq's own words
        why = " ".join(str(exc).split())
        raise UsageError(f"{value!r} is not a PostgreSQL address libpq accepts: {why}") from None
    if why := refused_value(params):
        raise UsageError(f"{value!r} is not a PostgreSQL address libpq accepts: {why}")
    return ServerDatabase(text)


# Values libpq parses only when it connects (fe-connect.c): checked here, in libpq's words, so a
# bad one is a usage error before any connection, not "cannot reach the server".
_CHOICES = {
    "sslmode": ("disable", "allow", "prefer", "require", "verify-ca", "verify-full"),
    "gssencmode": ("disable", "prefer", "require"),
    "channel_binding": ("disable", "prefer", "require"),
    "target_session_attrs": (
        "any", "read-write", "read-only", "primary", "standby", "prefer-standby",
    ),  # fmt: skip
    "load_balance_hosts": ("disable", "random"),
    "sslnegotiation": ("postgres", "direct"),
    "sslcertmode": ("disable", "allow", "require"),
}
_TLS_VERSIONS = ("tlsv1", "tlsv1.1", "tlsv1.2", "tlsv1.3")
_INTEGERS = (
    "connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval",
    "keepalives_count", "tcp_user_timeout",
)  # fmt: skip
_INTEGER = re.compile(r"^\s*[-+]?\d+\s*$")  # libpq's parse_int_param (strtol, spaces around)


def refused_value(params: Mapping[str, object]) -> str:
    """libpq's words for a value of a parsed address it would refuse when connecting (a port
    that is not a number from 1 to 65535, an unknown sslmode, …), else ""."""
    values = {key: str(value) for key, value in params.items() if value not in (None, "")}
    ports = values.get("port", "").split(",") if "port" in values else []
    for port in ports:
        if not port:
            continue  # an empty entry is the default port
        if not _INTEGER.match(port):
            return f'invalid integer value "{port}" for connection option "port"'
        if not 0 < int(port) < 65536:
            return f'invalid port number: "{port}"'
    hosts = len((values.get("host") or values.get("hostaddr") or "").split(","))
    if len(ports) > 1 and len(ports) != hosts:
        return f"could not match {len(ports)} port numbers to {hosts} hosts"
    for key, choices in _CHOICES.items():
        if key in values and values[key] not in choices:
            return f'invalid {key} value: "{values[key]}"'
    for key in ("ssl_min_protocol_version", "ssl_max_protocol_version"):
        if key in values and values[key].lower() not in _TLS_VERSIONS:
            return f'invalid {key} value: "{values[key]}"'
    for key in _INTEGERS:
        if key in values and not _INTEGER.match(values[key]):
            return f'invalid integer value "{values[key]}" for connection option "{key}"'
    return ""


def default_target() -> Target:
    """``$ASSETTRACK_DB`` if set (a path or a server), else the file in the user data dir."""
    env = os.environ.get(paths.DB_ENV_VAR)
    if env:
        return parse(env)
    return paths.data_dir() / paths.DB_FILENAME


def target(value: str | Path | None) -> Target:
    """``--db`` if given, else the default."""
    return parse(value) if value else default_target()


def app_target(value: str | Path | None, remembered: str = "") -> Target:
    """The app's database: ``--db``, else ``$ASSETTRACK_DB``, else the one remembered by
    File → Connect to a server… (the settings' ``database``), else the default file. The admin
    command line does not read the remembered one (``target``): scripts name their database."""
    if value:
        return parse(value)
    if not os.environ.get(paths.DB_ENV_VAR) and remembered.strip():
        return parse(remembered)
    return default_target()


def remembered_value(where: Target) -> str:
    """What the settings keep for the app's choice: a server's URI (never a password: ``parse``
    refuses one), a file's path, or "" for the default file."""
    if isinstance(where, ServerDatabase):
        return where.uri
    path = Path(where).expanduser().resolve()
    default = (paths.data_dir() / paths.DB_FILENAME).expanduser().resolve()
    return "" if path == default else str(path)


def server_uri(host: str = "", port: str = "", dbname: str = "", user: str = "") -> str:
    """The libpq URI for the app's server fields (there is no password field). A host that
    starts with ``/`` is the directory of a local Unix socket:
    ``postgresql://user@/dbname?host=/run/postgresql&port=5433``. Blank fields are left to
    libpq's defaults; a port that is not a number is a ``UsageError``."""
    host, port, dbname, user = (v.strip() for v in (host, port, dbname, user))
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        raise UsageError(f"The port must be a number from 1 to 65535, not {port!r}.")
    query: list[str] = []
    if host.startswith("/"):
        query.append(f"host={quote(host, safe='/')}")
        netloc = ""
        if port:
            query.append(f"port={port}")
    else:
        netloc = f"[{host}]" if ":" in host else quote(host, safe=".-")
        if port:
            netloc += f":{port}"
    if user:
        netloc = f"{quote(user, safe='')}@{netloc}"
    uri = f"postgresql://{netloc}/{quote(dbname, safe='')}"
    return uri + (f"?{'&'.join(query)}" if query else "")


def server_fields(uri: str) -> dict[str, str]:
    """host, port, dbname and user of a libpq URI (blank where libpq would use its default),
    to fill the app's fields; a ``UsageError`` if libpq does not accept it."""
    target = parse(uri)
    if not isinstance(target, ServerDatabase):
        raise UsageError(f"{uri!r} is not a postgresql:// address.")
    from psycopg import conninfo

    parts = conninfo.conninfo_to_dict(target.uri)
    return {key: str(parts.get(key) or "") for key in ("host", "port", "dbname", "user")}


def open_store(
    where: Target | str, *, create: bool = True, migrate: bool = True, anchored: bool = True
) -> Store:
    """The open database: a ``PgStore`` for a server, else a SQLite ``Store``.

    ``create`` for a server means: an empty database gets AssetTrack's schema (the server
    database itself is made by its administrator, ``createdb``)."""
    place = parse(where) if isinstance(where, str) else where
    if isinstance(place, ServerDatabase):
        from .pg_store import PgStore

        return PgStore(place, create=create, migrate=migrate, anchored=anchored)
    from .store import Store

    return Store(place, create=create, migrate=migrate, anchored=anchored)
