-- Leads per stage, top of the funnel first, per scoring model.
select
    scoring_model,
    stage,
    stage_rank,
    count(*) as leads
from {{ ref('lead_stage') }}
group by scoring_model, stage, stage_rank
order by scoring_model, stage_rank
