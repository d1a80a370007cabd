-- Does the score predict conversion? Leads and won conversions per score band
-- and scoring model. `dbt compile --select conversion_by_score_band` writes the
-- SQL to target/compiled/ for a BI tool or a notebook.
with

scores as (

    select * from {{ ref('lead_scores') }}

)

select
    scoring_model,
    score_band,
    count(*) as leads,
    sum(case when stage = 'customer' then 1 else 0 end) as customers,
    round(avg(case when stage = 'customer' then 1.0 else 0.0 end), 4) as conversion_rate
from scores
group by scoring_model, score_band
order by scoring_model, score_band
