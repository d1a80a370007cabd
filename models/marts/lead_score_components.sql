{#- Why each lead holds its points: one row per scoring model, lead and rule
    that contributed, with the evidence. Components add up to raw_points in
    lead_scores. A view over int_lead_score_components, which holds them
    already: a table would copy every component (14M rows at 10M events) on
    each build. -#}
{{ config(materialized='view') }}

with

components as (

    select * from {{ ref('int_lead_score_components') }}

),

scoring_dates as (

    select * from {{ ref('int_scoring_dates') }}
    where is_latest

),

final as (

    select
        {{ dbt.concat(['components.scoring_model', "':'", 'components.lead_id', "':'", 'components.rule_id']) }}
            as component_id,
        components.scoring_model,
        components.lead_id,
        components.rule_id,
        components.rule_description,
        components.category,
        components.rule_group,
        components.raw_points,
        components.decay_factor,
        components.points,
        components.is_disqualifying,
        components.evidence_value,
        components.event_count,
        components.last_event_at,
        components.reason,
        components.as_of
    from components
    inner join scoring_dates
        on components.as_of = scoring_dates.as_of

)

select * from final
