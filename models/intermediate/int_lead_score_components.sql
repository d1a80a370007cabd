{#- Every rule a lead's score owes something to, after rule and group caps.
    A group cap scales the group's positive points down proportionally, so the
    components still add up exactly to the lead's raw points. -#}
{{ config(
    materialized=lead_level_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_rescored_leads() }}",
) }}
-- depends_on: {{ ref('int_leads_to_rescore') }}
-- depends_on: {{ ref('int_rescoring_scope') }}

with

fit_components as (

    select * from {{ ref('int_fit_rules_matched') }}
    where {{ is_rescored_lead('lead_id') }}

),

engagement_components as (

    select * from {{ ref('int_engagement_rules_scored') }}
    where {{ is_rescored_lead('lead_id') }}

),

rule_groups as (

    select * from {{ ref('stg_rules__rule_groups') }}

),

components as (

    select * from fit_components
    union all
    select * from engagement_components

),

group_totals as (

    select
        components.*,
        rule_groups.max_points as group_max_points,
        sum(case when components.decayed_points > 0 then components.decayed_points else 0 end) over (
            partition by components.scoring_model, components.lead_id, components.rule_group
        ) as group_positive_points
    from components
    left join rule_groups
        on components.scoring_model = rule_groups.scoring_model
            and components.rule_group = rule_groups.rule_group

),

final as (

    select
        scoring_model,
        lead_id,
        rule_id,
        category,
        rule_group,
        is_disqualifying,
        raw_points,
        decay_factor,
        case
            when decayed_points > 0 and group_positive_points > group_max_points
                then decayed_points * group_max_points / group_positive_points
            else decayed_points
        end as points,
        evidence_value,
        event_count,
        last_event_at
    from group_totals

)

select * from final
