"""The benchmark end to end at 1M events: it runs, and its reference statement agrees with the marts."""

import json
import os
import subprocess
import sys

import pytest

from conftest import PROJECT_DIR


@pytest.mark.slow
def test_benchmark_runs_at_one_million_events(tmp_path):
    out = tmp_path / "benchmark.json"
    completed = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "scripts" / "benchmark.py"), "--sizes", "1M", "--json", str(out),
         "--work", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=1200,
        env={**os.environ, "DBT_TARGET_PATH": str(tmp_path / "target"), "DBT_LOG_PATH": str(tmp_path / "logs")},
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert "reference == mart on all 200,000 lead scores" in completed.stdout
    result = json.loads(out.read_text())["results"][0]
    assert result["events"] == 1_000_000 and result["leads"] == 100_000
    for key in ("full_models_seconds", "full_tests_seconds", "incremental_seconds", "reference_seconds"):
        assert result[key] > 0
    assert result["full_models_peak_rss_mib"] > 0
    # At 1M events one statement fits in the pipeline's own memory limit; no fallback was needed.
    assert result["reference_memory_limit"] == "3GB"
