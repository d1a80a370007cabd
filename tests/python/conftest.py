"""Shared helpers: run the runner as a user would, against a throwaway DuckDB file."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from runner.diff import SCRATCH_IGNORE

PROJECT_DIR = Path(__file__).resolve().parents[2]
FIXTURES = PROJECT_DIR / "tests" / "python" / "fixtures"
SHARED_DATA = PROJECT_DIR.parent / "shared" / "data"
# Fixed load time: the rows' `_loaded_at` never depends on the clock in tests.
LOADED_AT = "2026-11-01 06:00:00"


# The files that take longest in the full run (pytest's --durations in CI), longest first.
LONGEST_FILES = ("test_backfill.py", "test_engine_parity.py", "test_incremental.py", "test_benchmark_smoke.py")


def pytest_collection_modifyitems(items):
    """The longest files first, then the rest by path; each file's tests keep their order.

    The two workers take whole files (--dist loadfile) in this order
    (--no-loadscope-reorder), so the longest files start at once and the
    workers finish together. xdist's own order (files with the most tests
    first) leaves the files with one or two long tests to the end, one worker idle.
    """
    def rank(item):
        name = item.path.name
        return (LONGEST_FILES.index(name) if name in LONGEST_FILES else len(LONGEST_FILES), str(item.path))

    items.sort(key=rank)


class Runner:
    """`python scripts/leadscore.py ...` in a subprocess, with its own warehouse file."""

    def __init__(self, project_dir: Path, database: Path, reports: Path):
        self.project_dir = project_dir
        self.database = database
        # Seconds one command may take (a Spark backfill and build on a busy 2-core machine needs more).
        self.timeout = 900
        self.env = {
            **os.environ,
            "LEADSCORE_DUCKDB": str(database),
            "LEADSCORE_REPORTS": str(reports),
            # Each runner has its own dbt target and log folders, so test files can run in parallel.
            "DBT_TARGET_PATH": str(database.parent / f"{database.stem}-target"),
            "DBT_LOG_PATH": str(database.parent / f"{database.stem}-logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "PYTHONUNBUFFERED": "1",
        }

    def run(self, *args: str, expect: int | None = 0) -> subprocess.CompletedProcess:
        completed = subprocess.run(
            [sys.executable, str(self.project_dir / "scripts" / "leadscore.py"), *args],
            cwd=self.project_dir, env=self.env, capture_output=True, text=True, timeout=self.timeout,
        )
        if expect is not None and completed.returncode != expect:
            raise AssertionError(
                f"leadscore {' '.join(args)} exited {completed.returncode}, expected {expect}\n"
                f"--- stdout (tail) ---\n{completed.stdout[-4000:]}\n--- stderr ---\n{completed.stderr[-4000:]}"
            )
        return completed

    def load(self, folder: Path, *extra: str) -> subprocess.CompletedProcess:
        files = ["--leads", str(folder / "leads.csv"), "--events", str(folder / "events.csv")]
        if (folder / "conversions.csv").exists():
            files += ["--conversions", str(folder / "conversions.csv")]
        return self.run("load", *files, "--loaded-at", LOADED_AT, *extra)

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.database), read_only=True) as con:
            return con.execute(sql).fetchall()

    def scalar(self, sql: str):
        return self.query(sql)[0][0]


def copy_project(destination: Path) -> Path:
    """A scratch copy of the project (for tests that edit seeds)."""
    shutil.copytree(PROJECT_DIR, destination, ignore=SCRATCH_IGNORE)
    return destination


@pytest.fixture
def runner(tmp_path) -> Runner:
    return Runner(PROJECT_DIR, tmp_path / "warehouse.duckdb", tmp_path / "reports")


@pytest.fixture
def project_copy(tmp_path) -> Runner:
    """A runner over a private copy of the project, whose seeds a test may edit."""
    project = copy_project(tmp_path / "project")
    return Runner(project, tmp_path / "warehouse.duckdb", tmp_path / "reports")


# Headless Chromium (Debian's package), to look at a page as a person would.
HEADLESS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--virtual-time-budget=30000"]


def chromium_or_skip() -> str:
    """The browser's path; CI (LEADSCORE_REQUIRE_ENGINES=1) fails without it, a local run skips."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if os.environ.get("LEADSCORE_REQUIRE_ENGINES"):
            pytest.fail("chromium is not installed (apt-get install chromium); CI needs it to look at pages")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return browser


def open_in_chromium(page: str, screenshot: Path | None = None, size: str = "1400,900") -> str:
    """The page's DOM after its scripts ran; with screenshot, also a PNG of the window."""
    browser = chromium_or_skip()
    dom = subprocess.run([browser, *HEADLESS, f"--window-size={size}", "--dump-dom", page], capture_output=True,
                         text=True, timeout=180).stdout
    if screenshot is not None:
        subprocess.run([browser, *HEADLESS, f"--window-size={size}", f"--screenshot={screenshot}", page],
                       capture_output=True, timeout=180, check=True)
    return dom


def olist_runner(tmp_path: Path) -> Runner:
    """A warehouse with Olist's real funnel loaded (../shared/data), leads and closed deals only."""
    from benchmark_predictive import OLIST_RENAMES

    olist = SHARED_DATA / "olist_marketing_funnel"
    if not olist.exists():
        pytest.skip("../shared/data/olist_marketing_funnel is not beside this checkout")
    runner = Runner(PROJECT_DIR, tmp_path / "olist.duckdb", tmp_path / "reports")
    runner.run("load", "--leads", str(olist / "olist_marketing_qualified_leads_dataset.csv"),
               "--conversions", str(olist / "olist_closed_deals_dataset.csv"), "--rename", OLIST_RENAMES,
               "--loaded-at", "2018-12-01 00:00:00")
    return runner
