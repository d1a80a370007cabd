"""dbt's documentation site as one HTML file a person opens: models, columns, tests and lineage."""

import json
import os
import shutil
from pathlib import Path

from .dbt_build import run_dbt
from .errors import UserError
from .paths import PROJECT_DIR
from .publish import _replace_atomically

# What BI and reverse-ETL tools read: the lineage must reach every one of them.
PUBLIC_MARTS = ("lead_scores", "lead_stage", "lead_score_components", "lead_score_history",
                "lead_stage_transitions", "data_quality_rejects", "data_quality_issues", "data_quality_summary",
                "scoring_runs", "predictive_model_summary", "predictive_scorecard", "predictive_calibration",
                "backtest_scores", "backtest_metrics", "backtest_deciles", "backtest_segments", "backtest_thresholds",
                "backtest_threshold_advice")


def _target_path() -> Path:
    return Path(os.environ.get("DBT_TARGET_PATH") or PROJECT_DIR / "target")


def lineage_parents(html: str) -> dict[str, list[str]]:
    """The parent_map of the manifest the static site embeds."""
    start = html.find('"parent_map": {')
    if start < 0:
        return {}
    parents, _ = json.JSONDecoder().raw_decode(html, start + len('"parent_map": '))
    return parents


def write_docs(target: str, out: Path) -> Path:
    # Nodes are only compiled here, not run: no per-phase counts.
    success, _ = run_dbt("docs generate", target, extra_args=["--static"], phases=False)
    site = _target_path() / "static_index.html"
    if not success or not site.exists():
        raise UserError("dbt docs generate did not succeed; see the dbt log (or run with --verbose)")
    parents = lineage_parents(site.read_text(encoding="utf-8"))
    missing = [m for m in PUBLIC_MARTS if not parents.get(f"model.leadscore.{m}")]
    if missing:
        raise UserError(f"the docs' lineage lacks the public mart(s) {', '.join(missing)}")
    _replace_atomically(lambda path: shutil.copyfile(site, path), out)
    return out
