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


def reports_dir() -> Path:
    return Path(os.environ.get("LEADSCORE_REPORTS", PROJECT_DIR / "reports"))
