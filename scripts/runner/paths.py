"""Where the project and its warehouse live."""

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
TARGETS = ("duckdb", "postgres", "spark")


def duckdb_path() -> Path:
    """The DuckDB warehouse file: LEADSCORE_DUCKDB, else leadscore.duckdb at the repo root."""
    configured = os.environ.get("LEADSCORE_DUCKDB")
    path = Path(configured) if configured else PROJECT_DIR / "leadscore.duckdb"
    return path if path.is_absolute() else (Path.cwd() / path)


def duckdb_settings() -> dict[str, str]:
    """The profile's DuckDB limits (profiles.yml reads the same variables), for the runner's own connections.

    Without them a connection may use 80% of the machine's memory: validation
    at 50M events reached 3.9 GiB of resident memory.
    """
    return {"memory_limit": os.environ.get("LEADSCORE_DUCKDB_MEMORY_LIMIT", "3GB"),
            "threads": os.environ.get("LEADSCORE_DUCKDB_THREADS", "2")}


def reports_dir() -> Path:
    return Path(os.environ.get("LEADSCORE_REPORTS", PROJECT_DIR / "reports"))
