"""The embedded analytical engine: DuckDB in process, sandboxed before anything runs.

Sources and their mappings arrive in pull requests, so the connection may read only the files
a source declares: every other path, the network, extension installs and writes are refused,
and the configuration is locked so no later statement can lift the limits. Memory and
threads are capped; a statement that runs past its time is interrupted. Values reach queries
as bound parameters, never as SQL text.

DuckDB is imported where a connection is made or its errors are caught, never when a module
is: it takes 40 to 70 ms, which every command would pay (`csi validate` among them) and a
register without exports never needs.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csi_tool.errors import ConfigError

if TYPE_CHECKING:
    import duckdb

MEMORY_LIMIT = "1GB"
THREADS = 2  # the machines csi runs on in CI have two cores
SECONDS_PER_STATEMENT = 120.0
_NAMED = re.compile(r"\$([A-Za-z_]\w*)")


@contextmanager
def sandboxed(files: Sequence[Path]) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory connection that can read `files` and nothing else."""
    import duckdb  # here: see the module's docstring

    connection = duckdb.connect(
        ":memory:", config={"threads": THREADS, "memory_limit": MEMORY_LIMIT}
    )
    try:
        connection.execute("SET allowed_paths = ?", [[str(path) for path in files]])
        connection.execute("SET enable_external_access = false")
        connection.execute("SET autoinstall_known_extensions = false")
        connection.execute("SET autoload_known_extensions = false")
        connection.execute("SET lock_configuration = true")
        yield connection
    finally:
        connection.close()


def run(
    connection: duckdb.DuckDBPyConnection,
    sql: str,
    parameters: Sequence[Any] | Mapping[str, Any] = (),
    seconds: float = SECONDS_PER_STATEMENT,
) -> list[tuple[Any, ...]]:
    """Run one statement with bound parameters (positional or named); interrupted after
    `seconds`."""
    import duckdb  # here: see the module's docstring

    bound: dict[str, Any] | list[Any] = list(parameters)
    if isinstance(parameters, Mapping):  # DuckDB refuses names the statement does not use
        used = set(_NAMED.findall(sql))
        bound = {name: value for name, value in parameters.items() if name in used}
    started = time.monotonic()
    timer = threading.Timer(seconds, connection.interrupt)
    timer.start()
    try:
        rows = connection.execute(sql, bound).fetchall()
    except duckdb.InterruptException as e:
        raise ConfigError(f"a query over the data ran past {seconds:g} s and was stopped") from e
    finally:
        timer.cancel()
    if time.monotonic() - started > seconds:  # the interrupt came before DuckDB listened
        raise ConfigError(f"a query over the data ran past {seconds:g} s and was stopped")
    return rows
