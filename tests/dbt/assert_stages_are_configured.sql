-- Every stage is a seeded stage of the lead's scoring model, or a built-in one.
select
    lead_stage.scoring_model,
    lead_stage.lead_id,
    lead_stage.stage
from {{ ref('lead_stage') }} as lead_stage
left join {{ ref('stg_rules__stage_thresholds') }} as stage_thresholds
    on lead_stage.scoring_model = stage_thresholds.scoring_model
        and lead_stage.stage = stage_thresholds.stage
where
    lead_stage.stage not in ('customer', 'disqualified')
    and stage_thresholds.stage is null
