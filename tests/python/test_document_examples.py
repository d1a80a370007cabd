"""The source documents' own examples, scored by the shipped default seeds.

Expected values are computed by hand from seeds/*.csv (see each test).
"""

import pytest

from conftest import FIXTURES, PROJECT_DIR, Runner


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> Runner:
    tmp = tmp_path_factory.mktemp("documents")
    runner = Runner(PROJECT_DIR, tmp / "warehouse.duckdb", tmp / "reports")
    runner.load(FIXTURES / "documents")
    runner.run("build", "--as-of", "2026-10-31", "--skip-validation")
    return runner


def b2b(runner: Runner, lead_id: str) -> dict:
    row = runner.query(
        "select s.score, s.grade, s.fit_score, s.engagement_score, s.negative_points, s.is_disqualified, "
        "st.stage, s.top_reasons from marts.lead_scores s join marts.lead_stage st "
        "on s.lead_score_id = st.lead_stage_id "
        f"where s.scoring_model = 'b2b_default' and s.lead_id = '{lead_id}'"
    )
    assert len(row) == 1, f"{lead_id} should have exactly one b2b_default score"
    keys = ("score", "grade", "fit_score", "engagement_score", "negative_points", "is_disqualified", "stage", "reasons")
    return dict(zip(keys, row[0], strict=True))


def test_engaged_executive_scores_close_to_100_and_reaches_the_top_stage(scored):
    lead = b2b(scored, "D1_ENGAGED_EXEC")
    # Fit: C-level 30 + 100-999 employees 20 + software 15 + phone 5 + territory 10 + São Paulo 5 = 85 of 90.
    assert lead["fit_score"] == pytest.approx(100 * 85 / 90, abs=0.01)
    # Engagement, all on the as_of day (no decay): website group = pricing 6x4 capped at 20
    # + pricing 5+ times 20 + 6 page views x 0.5 = 3 + one 240 s six-page session 3 = 46, group cap 45;
    # trial request 25. 70 of 80.
    assert lead["engagement_score"] == pytest.approx(87.5, abs=0.01)
    # 0.5 x 94.44 + 0.5 x 87.5
    assert lead["score"] == pytest.approx(90.97, abs=0.005)
    assert lead["grade"] == "A"
    assert lead["stage"] == "sql"
    assert lead["reasons"].startswith("+30 C-level; +25 trial requested")


def test_personal_email_scores_lower(scored):
    engaged, personal = b2b(scored, "D1_ENGAGED_EXEC"), b2b(scored, "D2_PERSONAL_EMAIL")
    assert personal["negative_points"] == -15
    assert personal["score"] == pytest.approx(engaged["score"] - 15, abs=0.005)
    assert "-15 Personal email" in personal["reasons"] or personal["score"] < engaged["score"]


def test_the_same_activity_a_year_older_scores_lower_still(scored):
    personal, older = b2b(scored, "D2_PERSONAL_EMAIL"), b2b(scored, "D3_YEAR_OLDER")
    # Window rules (30 days) drop out; a 90-day half-life leaves 25 x 2^(-365/90) = 1.50 of the trial;
    # the pricing views (30-day half-life) leave 20 x 2^(-365/30)... ~0.005 each.
    assert older["fit_score"] == pytest.approx(100 * 85 / 90, abs=0.01)
    assert older["engagement_score"] == pytest.approx(100 * (25 * 2 ** (-365 / 90)) / 80, abs=0.1)
    assert older["score"] < personal["score"]
    assert older["stage"] == "lead"


def test_ebook_reader_without_a_management_role_scores_between_1_and_50(scored):
    lead = b2b(scored, "D4_EBOOK_READER")
    # Fit: 10-99 employees 8 + territory 10 + São Paulo 5 = 23 of 90; engagement: 3 downloads x 2 = 6 of 80.
    assert lead["score"] == pytest.approx(round(0.5 * 100 * 23 / 90 + 0.5 * 100 * 6 / 80, 2), abs=0.005)
    assert 1 <= lead["score"] <= 50
    assert lead["grade"] == "C"  # fit 25.6 >= 25


def test_gibberish_signup_scores_lowest_and_is_disqualified(scored):
    gibberish = b2b(scored, "D5_GIBBERISH")
    others = [b2b(scored, lead)["score"] for lead in
              ("D1_ENGAGED_EXEC", "D2_PERSONAL_EMAIL", "D3_YEAR_OLDER", "D4_EBOOK_READER")]
    assert gibberish["score"] == 0
    assert gibberish["score"] < min(others)
    assert gibberish["is_disqualified"] is True
    assert gibberish["stage"] == "disqualified"


def test_components_explain_every_point(scored):
    rows = scored.query(
        "select rule_id, category, points, evidence_value from marts.lead_score_components "
        "where scoring_model = 'b2b_default' and lead_id = 'D1_ENGAGED_EXEC' order by rule_id"
    )
    by_rule = {rule_id: (category, points) for rule_id, category, points, _ in rows}
    assert by_rule["fit_seniority_c_level"] == ("fit", 30)
    assert by_rule["eng_trial_request"] == ("engagement", 25)
    # The website group (46 points) is scaled to its cap of 45.
    website = ("eng_pricing_page", "eng_pricing_page_5_plus", "eng_page_view", "eng_engaged_session")
    assert sum(by_rule[r][1] for r in website) == pytest.approx(45, abs=1e-6)
    assert sum(points for _, _, points, _ in rows) == pytest.approx(85 + 70, abs=1e-6)
