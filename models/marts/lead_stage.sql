{#- One row per lead and active scoring model: its funnel stage. Converted
    leads are customers, disqualified leads rank lowest, the rest take the
    highest seeded stage whose score and grade they meet. -#}
{{ config(
    materialized=lead_level_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_rescored_leads() }}",
) }}
-- depends_on: {{ ref('int_leads_to_rescore') }}
-- depends_on: {{ ref('int_rescoring_scope') }}

with

lead_scores as (

    select * from {{ ref('lead_scores') }}
    where {{ is_rescored_lead('lead_id') }}

),

stage_thresholds as (

    select * from {{ ref('stg_rules__stage_thresholds') }}

),

conversions as (

    select * from {{ ref('int_conversions_of_known_leads') }}
    where is_known_lead and outcome = 'won' and {{ is_rescored_lead('lead_id') }}

),

scoring_dates as (

    select * from {{ ref('int_scoring_dates') }}

),

won as (

    select
        conversions.lead_id,
        min(conversions.converted_at) as converted_at
    from conversions
    cross join scoring_dates
    where cast(conversions.converted_at as date) <= scoring_dates.as_of
    group by conversions.lead_id

),

top_ranks as (

    select
        scoring_model,
        max(stage_rank) as top_stage_rank
    from stage_thresholds
    group by scoring_model

),

threshold_stages as (

    select
        lead_scores.scoring_model,
        lead_scores.lead_id,
        stage_thresholds.stage,
        stage_thresholds.stage_rank,
        row_number() over (
            partition by lead_scores.scoring_model, lead_scores.lead_id
            order by stage_thresholds.stage_rank desc
        ) as stage_preference
    from lead_scores
    inner join stage_thresholds
        on lead_scores.scoring_model = stage_thresholds.scoring_model
            and lead_scores.score >= stage_thresholds.min_score
            -- Grades run A (best) to D, so "B or better" is grade <= 'B'.
            and (stage_thresholds.best_grade_required is null or lead_scores.grade <= stage_thresholds.best_grade_required)

),

final as (

    select
        lead_scores.lead_score_id as lead_stage_id,
        lead_scores.scoring_model,
        lead_scores.lead_id,
        case
            when won.lead_id is not null then 'customer'
            when lead_scores.is_disqualified then 'disqualified'
            else threshold_stages.stage
        end as stage,
        case
            when won.lead_id is not null then top_ranks.top_stage_rank + 1
            when lead_scores.is_disqualified then 0
            else threshold_stages.stage_rank
        end as stage_rank,
        lead_scores.score,
        lead_scores.grade,
        lead_scores.score_band,
        lead_scores.is_disqualified,
        won.converted_at,
        lead_scores.as_of
    from lead_scores
    left join threshold_stages
        on lead_scores.scoring_model = threshold_stages.scoring_model
            and lead_scores.lead_id = threshold_stages.lead_id
            and threshold_stages.stage_preference = 1
    left join won
        on lead_scores.lead_id = won.lead_id
    left join top_ranks
        on lead_scores.scoring_model = top_ranks.scoring_model

)

select * from final
