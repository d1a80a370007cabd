"""Rule seeds are data: bad rules fail the build naming the row; SQL-shaped values stay data."""

import csv

from conftest import FIXTURES


def edit_seed(project, seed: str, rule_id: str, **changes) -> None:
    path = project / "seeds" / f"{seed}.csv"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["rule_id"] == rule_id:
            row.update(changes)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)


def failed_build(runner) -> str:
    runner.load(FIXTURES / "documents")
    completed = runner.run("build", "--skip-validation", expect=1)
    return completed.stdout


def test_unknown_operator_names_the_seed_row(project_copy):
    edit_seed(project_copy.project_dir, "fit_rules", "fit_seniority_vp", operator="resembles")
    output = failed_build(project_copy)
    assert "Invalid rule in seeds/fit_rules.csv: rule_id 'fit_seniority_vp': operator = 'resembles'" in output
    assert "build failed" in output


def test_non_numeric_points_name_the_seed_row(project_copy):
    edit_seed(project_copy.project_dir, "engagement_rules", "eng_trial_request", points="twenty-five")
    output = failed_build(project_copy)
    assert "Invalid rule in seeds/engagement_rules.csv: rule_id 'eng_trial_request': points = 'twenty-five'" in output


def test_unknown_decay_kind_names_the_seed_row(project_copy):
    edit_seed(project_copy.project_dir, "engagement_rules", "eng_page_view", decay="sometimes")
    output = failed_build(project_copy)
    assert "rule_id 'eng_page_view': decay = 'sometimes'" in output


def test_rule_on_a_column_that_does_not_exist_names_the_seed_row(project_copy):
    edit_seed(project_copy.project_dir, "fit_rules", "fit_industry_target", attribute="favourite_colour")
    output = failed_build(project_copy)
    assert "rule_id 'fit_industry_target': attribute = 'favourite_colour' is not a lead column" in output


def test_sql_shaped_rule_value_matches_nothing_and_harms_nothing(project_copy):
    edit_seed(project_copy.project_dir, "fit_rules", "fit_seniority_c_level", attribute="job_title",
              value="x'); drop table raw.leads; --")
    project_copy.load(FIXTURES / "documents")
    project_copy.run("build", "--as-of", "2026-10-31", "--skip-validation")
    assert project_copy.scalar("select count(*) from raw.leads") == 5
    matched = project_copy.scalar("select count(*) from marts.lead_score_components "
                                  "where rule_id = 'fit_seniority_c_level'")
    assert matched == 0
    # Without the C-level 30 points, the engaged executive's fit is 55 of 90.
    fit = project_copy.scalar("select fit_score from marts.lead_scores "
                              "where lead_score_id = 'b2b_default:D1_ENGAGED_EXEC'")
    assert abs(fit - 100 * 55 / 90) < 0.01


def test_a_custom_lead_column_is_scorable_without_code(project_copy, tmp_path):
    folder = tmp_path / "custom"
    folder.mkdir()
    (folder / "leads.csv").write_text("lead_id,specialization\nC1,Cardiology\nC2,Dermatology\n")
    (folder / "events.csv").write_text("event_id,lead_id,event_type,occurred_at\n")
    rules = project_copy.project_dir / "seeds" / "fit_rules.csv"
    with rules.open("a") as handle:
        handle.write("b2b_default,fit_cardiology,Cardiologist,fit,specialization,equals,cardiology,,45,specialty,false\n")
    project_copy.load(folder)
    project_copy.run("build", "--as-of", "2026-10-31", "--skip-validation")
    fit = dict(project_copy.query("select lead_id, fit_points from marts.lead_scores "
                                  "where scoring_model = 'b2b_default'"))
    # 45 for the specialty; neither lead has a country, so neither is in or out of territory.
    assert fit["C1"] - fit["C2"] == 45
