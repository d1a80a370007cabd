{#- Why each lead holds its points: one row per scoring model, lead and rule
    that contributed, with the evidence. Components add up to raw_points in
    lead_scores. -#}
{{ config(
    materialized=lead_level_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_rescored_leads() }}",
) }}
-- depends_on: {{ ref('int_leads_to_rescore') }}
-- depends_on: {{ ref('int_rescoring_scope') }}

with

components as (

    select * from {{ ref('int_lead_score_components') }}
    where {{ is_rescored_lead('lead_id') }}

),

fit_rules as (

    select
        scoring_model,
        rule_id,
        description
    from {{ ref('stg_rules__fit_rules') }}

),

engagement_rules as (

    select
        scoring_model,
        rule_id,
        description,
        award
    from {{ ref('stg_rules__engagement_rules') }}

),

scoring_dates as (

    select * from {{ ref('int_scoring_dates') }}

),

described as (

    select
        components.*,
        coalesce(fit_rules.description, engagement_rules.description) as rule_description,
        engagement_rules.award
    from components
    left join fit_rules
        on components.scoring_model = fit_rules.scoring_model
            and components.rule_id = fit_rules.rule_id
    left join engagement_rules
        on components.scoring_model = engagement_rules.scoring_model
            and components.rule_id = engagement_rules.rule_id

),

final as (

    select
        {{ dbt.concat(['described.scoring_model', "':'", 'described.lead_id', "':'", 'described.rule_id']) }}
            as component_id,
        described.scoring_model,
        described.lead_id,
        described.rule_id,
        described.rule_description,
        described.category,
        described.rule_group,
        described.raw_points,
        described.decay_factor,
        described.points,
        described.is_disqualifying,
        described.evidence_value,
        cast(described.event_count as {{ dbt.type_bigint() }}) as event_count,
        described.last_event_at,
        -- What a CRM field shows: "+25 trial requested", "+20 pricing page x6".
        {{ dbt.concat([
            "(case when described.points >= 0 then '+' else '' end)",
            "cast(cast(" ~ round_decimal("described.points", 0) ~ " as " ~ dbt.type_int() ~ ") as " ~ type_text() ~ ")",
            "' '",
            "described.rule_description",
            "(case when described.award = 'per_event' and described.event_count > 1 then ' x' || cast(described.event_count as " ~ type_text() ~ ") else '' end)",
        ]) }} as reason,
        scoring_dates.as_of
    from described
    cross join scoring_dates

)

select * from final
