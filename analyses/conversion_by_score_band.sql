-- Does the score predict conversion? Lead-snapshots and conversions within the
-- prediction window per score band and scoring model, as the scores stood at
-- each backtest snapshot (today's scores would count activity after the sale).
-- `dbt compile --select conversion_by_score_band` writes the SQL to
-- target/compiled/ for a BI tool or a notebook.
with

segments as (

    select * from {{ ref('backtest_segments') }}
    where segment_type = 'score_band'

)

select
    scoring_model,
    segment as score_band,
    leads as lead_snapshots,
    conversions,
    round(conversion_rate, 4) as conversion_rate,
    round(lift, 2) as lift
from segments
order by scoring_model, segment_order
