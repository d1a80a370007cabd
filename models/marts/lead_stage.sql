{#- One row per lead and active scoring model: its funnel stage. A view over
    lead_scores, where the stage is computed, so a reader can never see a stage
    from one build next to a score from another. -#}
{{ config(materialized='view') }}

with

lead_scores as (

    select * from {{ ref('lead_scores') }}

),

final as (

    select
        lead_score_id as lead_stage_id,
        scoring_model,
        lead_id,
        stage,
        stage_rank,
        score,
        grade,
        score_band,
        is_disqualified,
        converted_at,
        stage_changed_at,
        as_of
    from lead_scores

)

select * from final
