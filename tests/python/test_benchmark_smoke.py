"""The benchmark end to end at 1M events: it runs, and its reference statement agrees with the marts."""

import json
import os
import subprocess
import sys
from types import SimpleNamespace

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
    for step in ("full", "daily"):
        assert result[step]["validation_passed"], f"{step}: validation failed"
        for key in ("dbt_seconds", "validation_seconds", "models_seconds", "tests_seconds", "peak_rss_mib"):
            assert result[step][key] > 0, (step, key)
        # The step's time is dbt's plus validation's, and dbt's split is inside dbt's wall time.
        assert result[step]["seconds"] == pytest.approx(result[step]["dbt_seconds"] + result[step]["validation_seconds"])
        assert result[step]["models_seconds"] + result[step]["tests_seconds"] < result[step]["dbt_seconds"]
    assert result["reference_seconds"] > 0
    assert result["daily_vs_full"] == pytest.approx(result["daily"]["seconds"] / result["full"]["seconds"], abs=1e-3)
    assert result["events_per_second_full"] == round(1_000_000 / result["full"]["seconds"])
    assert "| 1,000,000 | 100,000 |" in completed.stdout
    # At 1M events one statement fits in the pipeline's own memory limit; no fallback was needed.
    assert result["reference_memory_limit"] == "3GB"


@pytest.mark.spark
def test_benchmark_runs_the_full_build_on_spark(tmp_path):
    pytest.importorskip("pyspark", reason="the Spark benchmark needs requirements-spark.txt")
    out = tmp_path / "benchmark.json"
    completed = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "scripts" / "benchmark.py"), "--sizes", "", "--spark", "2K",
         "--json", str(out), "--work", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=2400,
        env={**os.environ, "DBT_TARGET_PATH": str(tmp_path / "target"), "DBT_LOG_PATH": str(tmp_path / "logs")},
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    result = json.loads(out.read_text())["results"][0]
    assert (result["engine"], result["events"], result["leads"]) == ("spark", 2_000, 200)
    full = result["full"]
    assert full["validation_passed"]
    # The work happens in Spark's JVM: its peak is reported apart from the Python process's.
    assert full["dbt_jvm_peak_rss_mib"] > full["dbt_peak_rss_mib"] > 0
    assert full["models_seconds"] + full["tests_seconds"] < full["dbt_seconds"]
    assert "| 2,000 (Spark) | 200 |" in completed.stdout


def test_a_failing_size_keeps_the_sizes_already_measured(tmp_path, monkeypatch, capsys):
    """At 100M a build can run out of memory after an hour of smaller sizes: those rows must survive it."""
    import benchmark

    def fake_size(events, work, seed, full_only=False):
        assert work.parent == tmp_path / "new" / "work"  # --work is created when missing
        if events == 2_000:
            raise SystemExit("benchmark step 'full build: dbt build' failed:\nOut of Memory Error")
        return {"events": events, "leads": events // 10, "full": {"seconds": 1.0}}

    monkeypatch.setattr(benchmark, "bench_size", fake_size)
    monkeypatch.setattr(benchmark, "print_table", lambda rows: None)
    out = tmp_path / "report.json"
    exit_code = benchmark.main(["--sizes", "1K,2K,3K", "--json", str(out), "--work", str(tmp_path / "new" / "work")])
    report = json.loads(out.read_text())
    assert exit_code == 1
    assert [row["events"] for row in report["results"]] == [1_000]
    assert report["failed"]["events"] == 2_000 and "Out of Memory Error" in report["failed"]["error"]
    assert "failed at 2,000 events" in capsys.readouterr().out


def test_keep_failed_moves_the_failed_sizes_warehouse_into_work(tmp_path, monkeypatch):
    """A 100M build that fails after half an hour leaves its warehouse, to rerun the failing model there."""
    import benchmark

    def failing_size(events, work, seed, full_only=False):
        (work / f"bench_{events}.duckdb").write_text("the warehouse")
        (work / f"bench_{events}.duckdb.tmp").mkdir()  # DuckDB's spill: not worth keeping
        (work / f"data_{events}").mkdir()
        (work / f"data_{events}" / "events.parquet").write_text("the events")
        raise SystemExit("benchmark step 'full build: dbt build' failed:\nOut of Memory Error")

    monkeypatch.setattr(benchmark, "bench_size", failing_size)
    monkeypatch.setattr(benchmark, "print_table", lambda rows: None)
    work = tmp_path / "work"
    out = tmp_path / "report.json"
    assert benchmark.main(["--sizes", "2K", "--json", str(out), "--work", str(work), "--keep-failed"]) == 1
    assert (work / "bench_2000.duckdb").read_text() == "the warehouse"
    assert (work / "data_2000" / "events.parquet").read_text() == "the events"
    assert sorted(path.name for path in work.iterdir()) == ["bench_2000.duckdb", "data_2000"]
    assert json.loads(out.read_text())["failed"]["kept"] == [str(work / "bench_2000.duckdb"),
                                                              str(work / "data_2000")]


def test_keep_failed_needs_a_work_folder(capsys):
    import benchmark

    with pytest.raises(SystemExit) as stopped:
        benchmark.main(["--sizes", "2K", "--keep-failed"])
    assert stopped.value.code == 2
    assert "--keep-failed needs --work" in capsys.readouterr().err


def test_a_steps_peak_rss_is_the_childs_own_not_the_parents(tmp_path, monkeypatch):
    """On Linux a forked child's ru_maxrss starts at its parent's peak: a big parent made every step look big."""
    import benchmark

    probe = tmp_path / "probe.py"
    probe.write_text(f"import sys\nsys.path.insert(0, {str(PROJECT_DIR / 'scripts')!r})\n"
                     "import benchmark\nbenchmark.print_own_peak()\n")
    parent_ballast = bytearray(800 * 1024 * 1024)  # 800 MiB, touched: resident in this process
    monkeypatch.setattr(benchmark, "__file__", str(probe))
    step = benchmark.timed_step("probe", [], dict(os.environ))
    assert len(parent_ballast) and step["peak_rss_mib"] < 400, step


def test_a_failed_dbt_step_names_its_model_and_the_engines_error(monkeypatch, capsys):
    """A 50M build that ran out of memory printed only dbt's counts: the failing model must be named."""
    import benchmark

    failed = SimpleNamespace(status="error", node=SimpleNamespace(resource_type="model", name="lead_score_history"),
                             message="Runtime Error in model lead_score_history (models/marts/lead_score_history.sql)\n"
                                     "  Out of Memory Error: failed to pin block of size 256.0 KiB")
    passed = SimpleNamespace(status="success", node=SimpleNamespace(resource_type="model", name="lead_scores"),
                             message="OK")
    monkeypatch.setattr(benchmark.dbt_build, "run_dbt",
                        lambda *args, **kwargs: (False, SimpleNamespace(results=[passed, failed])))
    monkeypatch.setattr(benchmark, "benchmark_target", lambda: "duckdb")
    assert benchmark.child_dbt(["build", "--full-refresh"]) == 1
    printed = capsys.readouterr().out.splitlines()
    assert printed == ["error: model lead_score_history: Out of Memory Error: failed to pin block of size 256.0 KiB"]
