"""Benchmark: the predictive model fitted in SQL against scikit-learn's logistic regression.

    python scripts/benchmark_predictive.py                       # Olist, generated, custom-column leads
    python scripts/benchmark_predictive.py --datasets custom --json out.json
    python scripts/benchmark_predictive.py --datasets generated --leads 1M   # training time at 1M leads

For each data set, in a fresh DuckDB file: load it, run `build`, then train
scikit-learn's `LogisticRegression` (one-hot categoricals, scaled numerics with
a missing indicator, default regularisation) on the same training leads and the
same raw features the SQL model was offered, and score the same held-out leads.
Prints both held-out AUCs and Brier scores with their ratios (the target: AUC
ratio >= 0.99, Brier ratio <= 1.05), and the seconds the predictive models took
inside the build (from dbt's run_results.json).

scikit-learn lives here and in the tests only; scoring never imports it.

Data sets:
- olist: the public Olist marketing funnel (`../shared/data/olist_marketing_funnel`), leads only.
- generated: the demo generator's leads, events and conversions.
- custom: leads with CRM-style custom columns ("Do Not Email?", "TotalVisits",
  "What is your current occupation", "Select" placeholders, numbers as "5.0"),
  outcomes and no events, shaped like the public X Education lead-scoring data;
  its conversions follow a known logistic model (`write_custom_leads`).
"""

import argparse
import csv
import datetime as dt
import json
import math
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from benchmark import parse_size

SCRIPTS = Path(__file__).resolve().parent
PROJECT_DIR = SCRIPTS.parent
OLIST = PROJECT_DIR.parent / "shared" / "data" / "olist_marketing_funnel"
OLIST_RENAMES = "mql_id:lead_id,first_contact_date:created_at,origin:lead_source,won_date:converted_at"
CUSTOM_RENAMES = "prospect_id:lead_id,created_on:created_at,converted_on:converted_at"
LOADED_AT = "2026-11-30 00:00:00"

CUSTOM_ORIGINS = [("Landing Page Submission", 0.5), ("API", 0.35), ("Lead Add Form", 0.1), ("Lead Import", 0.05)]
CUSTOM_OCCUPATIONS = [("Unemployed", 0.55), ("Working Professional", 0.15), ("Student", 0.05), ("Select", 0.25)]
CUSTOM_SPECIALIZATIONS = ["Select", "Finance Management", "Marketing Management", "HR Management",
                          "Operations Management", "Business Administration", "IT Projects Management"]
CUSTOM_CITIES = ["Mumbai", "Thane & Outskirts", "Other Cities", "Select", "Other Metro Cities"]


def _weighted(rng: random.Random, choices: list[tuple[str, float]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def write_custom_leads(out_dir: Path, n_leads: int, seed: int = 7, leaky: bool = False) -> tuple[Path, Path]:
    """Leads with custom columns and their outcomes (no events); conversions follow a logistic model.

    The true log-odds: -2.6, +2.2 for a Lead Add Form, +1.6 for a working
    professional, -0.9 for "Do Not Email? = Yes", +0.0012 per second on the
    website (capped at 1500), +0.08 per visit (capped at 10). A positive
    converts within 60 days of creation; a few negatives are won after 120.
    `leaky` adds a "Lead Stage" column a CRM fills after the sale (the outcome itself).
    """
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    leads_path, conversions_path = out_dir / "custom_leads.csv", out_dir / "custom_conversions.csv"
    start = dt.date(2025, 1, 1)
    with open(leads_path, "w", newline="") as leads_file, open(conversions_path, "w", newline="") as conv_file:
        leads = csv.writer(leads_file)
        conversions = csv.writer(conv_file)
        leads.writerow(["Prospect ID", "Created On", "Lead Origin", "Do Not Email?", "TotalVisits",
                        "Total Time Spent on Website", "Page Views Per Visit", "What is your current occupation",
                        "Specialization", "City", *(["Lead Stage"] if leaky else [])])
        conversions.writerow(["Prospect ID", "Converted On", "Outcome"])
        for i in range(n_leads):
            origin = _weighted(rng, CUSTOM_ORIGINS)
            occupation = _weighted(rng, CUSTOM_OCCUPATIONS)
            do_not_email = "Yes" if rng.random() < 0.08 else "No"
            visits = min(int(rng.expovariate(1 / 3.5)), 60)
            seconds = int(rng.expovariate(1 / 480)) if visits else 0
            pages = round(rng.uniform(1, 4), 2) if visits else 0.0
            created = start + dt.timedelta(days=rng.randrange(0, 540))
            log_odds = (-2.6 + 2.2 * (origin == "Lead Add Form") + 1.6 * (occupation == "Working Professional")
                        - 0.9 * (do_not_email == "Yes") + 0.0012 * min(seconds, 1500) + 0.08 * min(visits, 10))
            visits_text = "" if rng.random() < 0.02 else f"{visits:.1f}"
            converts = rng.random() < 1 / (1 + math.exp(-log_odds))
            leads.writerow([f"P{i:07d}", created.isoformat(), origin, do_not_email, visits_text, seconds,
                            pages, occupation, rng.choice(CUSTOM_SPECIALIZATIONS), rng.choice(CUSTOM_CITIES),
                            *(["Closed Won" if converts else "Open"] if leaky else [])])
            if converts:
                won_on = created + dt.timedelta(days=rng.randrange(1, 61))
                conversions.writerow([f"P{i:07d}", won_on.isoformat(), "won"])
            elif rng.random() < 0.02:
                conversions.writerow([f"P{i:07d}", (created + dt.timedelta(days=130)).isoformat(), "won"])
    return leads_path, conversions_path


def leadscore(env: dict, *args: str) -> str:
    """Run the runner in its own process; its stdout, or exit with its error."""
    completed = subprocess.run([sys.executable, str(SCRIPTS / "leadscore.py"), *args], env=env,
                               capture_output=True, text=True)
    if completed.returncode != 0:
        sys.exit(f"leadscore {args[0]} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout


def predictive_seconds() -> float:
    """Seconds the predictive models took in the last dbt invocation (target/run_results.json)."""
    target = Path(os.environ.get("DBT_TARGET_PATH", PROJECT_DIR / "target"))
    results = json.loads((target / "run_results.json").read_text())
    return sum(r["execution_time"] for r in results["results"]
               if r["unique_id"].split(".")[-1].startswith(("int_predictive", "predictive_")))


def design_frames(con) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The raw features the SQL model was offered, one row per training or held-out lead."""
    values = con.execute("""
        select o.observation_id, o.observation_role, o.converted_in_window, v.feature_name,
            v.value_text, v.value_number, b.feature_kind
        from intermediate.int_predictive_feature_values as v
        inner join intermediate.int_predictive_observations as o using (observation_id)
        inner join (select distinct feature_name, feature_kind, is_near_unique from intermediate.int_predictive_bins)
            as b using (feature_name)
        where o.observation_role in ('train', 'holdout') and not b.is_near_unique
    """).df()
    kinds = values.drop_duplicates("feature_name").set_index("feature_name")["feature_kind"]
    numeric = sorted(f for f, k in kinds.items() if k == "numeric")
    categorical = sorted(f for f, k in kinds.items() if k == "categorical")
    values["value"] = np.where(values["feature_kind"] == "numeric", values["value_number"], values["value_text"])
    wide = (values.set_index(["observation_id", "observation_role", "converted_in_window", "feature_name"])["value"]
            .unstack("feature_name").reset_index())
    for column in numeric:
        wide[column] = pd.to_numeric(wide[column], errors="coerce")
    for column in categorical:
        wide[column] = wide[column].astype(object).where(wide[column].notna(), "(missing)")
    return wide, numeric, categorical


def compare_with_scikit_learn(con) -> dict:
    """Held-out AUC and Brier of the SQL model (as the marts say) and of scikit-learn on the same split."""
    summary = con.execute("""
        select status, status_reason, training_leads, converted_leads, holdout_leads, holdout_converted_leads,
            features_used, holdout_auc, holdout_brier
        from marts.predictive_model_summary
    """).fetchone()
    names = ("status", "status_reason", "training_leads", "converted_leads", "holdout_leads",
             "holdout_converted_leads", "features_used", "sql_auc", "sql_brier")
    figures = dict(zip(names, summary, strict=True))
    if figures["status"] != "trained":
        return figures
    wide, numeric, categorical = design_frames(con)
    train = wide[wide["observation_role"] == "train"]
    holdout = wide[wide["observation_role"] == "holdout"]
    transformers = []
    if categorical:
        transformers.append(("categorical", OneHotEncoder(handle_unknown="ignore"), categorical))
    if numeric:
        transformers.append(("numeric", Pipeline([("impute", SimpleImputer(strategy="median", add_indicator=True)),
                                                  ("scale", StandardScaler())]), numeric))
    model = make_pipeline(ColumnTransformer(transformers), LogisticRegression(max_iter=5000))
    model.fit(train[numeric + categorical], train["converted_in_window"].astype(int))
    probability = model.predict_proba(holdout[numeric + categorical])[:, 1]
    labels = holdout["converted_in_window"].astype(int)
    figures["sklearn_auc"] = roc_auc_score(labels, probability)
    figures["sklearn_brier"] = brier_score_loss(labels, probability)
    figures["auc_ratio"] = figures["sql_auc"] / figures["sklearn_auc"]
    figures["brier_ratio"] = figures["sql_brier"] / figures["sklearn_brier"]
    sql_predictions = con.execute(
        "select converted_in_window, conversion_probability from intermediate.int_predictive_holdout_predictions"
    ).df()
    # The marts' AUC and Brier, recomputed by scikit-learn from the same held-out probabilities.
    figures["sql_auc_by_sklearn"] = roc_auc_score(sql_predictions["converted_in_window"],
                                                  sql_predictions["conversion_probability"])
    figures["sql_brier_by_sklearn"] = brier_score_loss(sql_predictions["converted_in_window"],
                                                       sql_predictions["conversion_probability"])
    return figures


def run_dataset(name: str, work: Path, n_leads: int) -> dict:
    env = {**os.environ, "LEADSCORE_DUCKDB": str(work / f"{name}.duckdb"), "LEADSCORE_REPORTS": str(work / "reports")}
    if name == "olist":
        if not OLIST.exists():
            return {"dataset": name, "status": "skipped", "status_reason": f"{OLIST} is not there"}
        leadscore(env, "load", "--leads", str(OLIST / "olist_marketing_qualified_leads_dataset.csv"),
                  "--conversions", str(OLIST / "olist_closed_deals_dataset.csv"), "--rename", OLIST_RENAMES,
                  "--loaded-at", "2018-12-01 00:00:00")
    elif name == "custom":
        leads, conversions = write_custom_leads(work / "custom", n_leads)
        leadscore(env, "load", "--leads", str(leads), "--conversions", str(conversions),
                  "--rename", CUSTOM_RENAMES, "--loaded-at", LOADED_AT)
    else:
        data = work / "generated"
        leadscore(env, "generate", "--leads", str(n_leads), "--events", str(n_leads * 10), "--out", str(data),
                  "--format", "parquet")
        leadscore(env, "load", "--leads", str(data / "leads.parquet"), "--events", str(data / "events.parquet"),
                  "--conversions", str(data / "conversions.parquet"), "--loaded-at", LOADED_AT)
    leadscore(env, "build", "--skip-validation")
    seconds = predictive_seconds()
    with duckdb.connect(env["LEADSCORE_DUCKDB"], read_only=True) as con:
        figures = compare_with_scikit_learn(con)
    return {"dataset": name, "leads": n_leads, "predictive_seconds": round(seconds, 1), **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default="olist,generated,custom",
                        help="comma-separated: olist, generated, custom")
    parser.add_argument("--leads", default="20K", help="leads in the generated and custom data sets")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    n_leads = parse_size(args.leads)
    rows = []
    with tempfile.TemporaryDirectory(prefix="leadscore-predictive-") as tmp:
        for name in args.datasets.split(","):
            print(f"== {name}: load, build, fit scikit-learn ...", flush=True)
            rows.append(run_dataset(name.strip(), Path(tmp), n_leads))
    print(f"\n{'data set':<10} {'train':>8} {'conv':>6} {'holdout':>8} {'feat':>4} {'AUC sql':>8} {'AUC skl':>8} "
          f"{'ratio':>6} {'Brier sql':>9} {'Brier skl':>9} {'ratio':>6} {'fit s':>6}")
    for row in rows:
        if row.get("status") != "trained":
            print(f"{row['dataset']:<10} {row.get('status')}: {row.get('status_reason')}")
            continue
        print(f"{row['dataset']:<10} {row['training_leads']:>8,} {row['converted_leads']:>6,} "
              f"{row['holdout_leads']:>8,} {row['features_used']:>4} {row['sql_auc']:>8.4f} {row['sklearn_auc']:>8.4f} "
              f"{row['auc_ratio']:>6.3f} {row['sql_brier']:>9.5f} {row['sklearn_brier']:>9.5f} "
              f"{row['brier_ratio']:>6.3f} {row['predictive_seconds']:>6.1f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, default=str))


if __name__ == "__main__":
    main()
