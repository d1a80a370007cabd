"""How well a score ranks the leads that converted, computed in SQL.

AUC by the tie-aware rank formula (Mann-Whitney U: tied scores share their
average rank), and the lift at a threshold: the conversion rate of the leads
at or above it over the rate of all leads. `tests/python/test_first_hour.py`
checks the AUC against scikit-learn's `roc_auc_score` on the same scores.
"""

# {scores}: a relation with scoring_model, score (number) and converted (0 or 1);
# {thresholds}: scoring_model and min_score, one row per model (may be empty).
RANKING_SQL = """
with scores as (
    select scoring_model, cast(score as double) as score, cast(converted as integer) as converted
    from {scores}
),
ranked as (
    select
        scoring_model,
        score,
        converted,
        rank() over (partition by scoring_model order by score)
            + (count(*) over (partition by scoring_model, score) - 1) / 2.0 as average_rank
    from scores
),
by_model as (
    select
        scoring_model,
        count(*) as leads,
        sum(converted) as conversions,
        sum(case when converted = 1 then average_rank else 0 end) as positive_rank_sum
    from ranked
    group by scoring_model
),
at_threshold as (
    select
        scores.scoring_model,
        count(*) as leads_at_or_above,
        sum(scores.converted) as conversions_at_or_above
    from scores
    inner join {thresholds} as thresholds
        on scores.scoring_model = thresholds.scoring_model
            and scores.score >= thresholds.min_score
    group by scores.scoring_model
)
select
    by_model.scoring_model,
    by_model.leads,
    by_model.conversions,
    (by_model.positive_rank_sum - by_model.conversions * (by_model.conversions + 1) / 2.0)
        / nullif(by_model.conversions * (by_model.leads - by_model.conversions), 0) as auc,
    coalesce(at_threshold.leads_at_or_above, 0) as leads_at_or_above,
    (1.0 * at_threshold.conversions_at_or_above / nullif(at_threshold.leads_at_or_above, 0))
        / nullif(1.0 * by_model.conversions / by_model.leads, 0) as lift
from by_model
left join at_threshold
    on by_model.scoring_model = at_threshold.scoring_model
order by by_model.scoring_model
"""


def ranking_quality(con, scores: str, thresholds: str) -> dict[str, dict]:
    """{scoring_model: {leads, conversions, auc, leads_at_or_above, lift}} for two relation names."""
    rows = con.execute(RANKING_SQL.format(scores=scores, thresholds=thresholds)).fetchall()
    return {row[0]: dict(zip(("leads", "conversions", "auc", "leads_at_or_above", "lift"), row[1:], strict=True))
            for row in rows}
