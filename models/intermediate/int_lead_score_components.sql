{#- Every rule a lead's score owes something to on each scoring date, after
    rule and group caps, with the reason a CRM field shows. A group cap scales
    the group's positive points down proportionally, so the components still
    add up exactly to the lead's raw points. Only leads that exist on the date
    are here (events can predate a lead's creation). -#}

with

versions_in_effect as (

    select * from {{ ref('int_lead_versions_in_effect') }}

),

fit_components as (

    select * from {{ ref('int_fit_rules_matched') }}

),

engagement_components as (

    select * from {{ ref('int_engagement_rules_scored') }}

),

predictive_components as (

    select * from {{ ref('int_predictive_contributions') }}

),

rule_groups as (

    select * from {{ ref('stg_rules__rule_groups') }}

),

fit_rules as (

    select * from {{ ref('stg_rules__fit_rules') }}

),

engagement_rules as (

    select * from {{ ref('stg_rules__engagement_rules') }}

),

-- Fit matches belong to a lead version; each date takes the version in effect on it.
-- A predictive model's features are its components: "+12 lead_source = web form".
components as (

    select
        versions_in_effect.as_of,
        fit_components.scoring_model,
        fit_components.lead_id,
        fit_components.rule_id,
        fit_components.category,
        fit_components.rule_group,
        fit_components.is_disqualifying,
        fit_components.raw_points,
        fit_components.decay_factor,
        fit_components.decayed_points,
        fit_components.evidence_value,
        fit_components.event_count,
        fit_components.last_event_at,
        cast(null as {{ type_text() }}) as feature_description
    from fit_components
    inner join versions_in_effect
        on fit_components.lead_id = versions_in_effect.lead_id
            and fit_components.lead_version = versions_in_effect.lead_version
    union all
    select
        engagement_components.as_of,
        engagement_components.scoring_model,
        engagement_components.lead_id,
        engagement_components.rule_id,
        engagement_components.category,
        engagement_components.rule_group,
        engagement_components.is_disqualifying,
        engagement_components.raw_points,
        engagement_components.decay_factor,
        engagement_components.decayed_points,
        engagement_components.evidence_value,
        engagement_components.event_count,
        engagement_components.last_event_at,
        cast(null as {{ type_text() }}) as feature_description
    from engagement_components
    inner join versions_in_effect
        on engagement_components.as_of = versions_in_effect.as_of
            and engagement_components.lead_id = versions_in_effect.lead_id
    union all
    select
        as_of,
        scoring_model,
        lead_id,
        feature_name as rule_id,
        case when feature_source = 'engagement' then 'engagement' else 'fit' end as category,
        cast(null as {{ type_text() }}) as rule_group,
        false as is_disqualifying,
        points as raw_points,
        1.0 as decay_factor,
        points as decayed_points,
        bin_label as evidence_value,
        cast(null as {{ dbt.type_bigint() }}) as event_count,
        cast(null as {{ dbt.type_timestamp() }}) as last_event_at,
        {{ dbt.concat(['feature_name', "' = '", 'bin_label']) }} as feature_description
    from predictive_components

),

-- Positive points per capped group only, summed and joined back: a window
-- over every component sorted all 14M rows at 10M events, most in no group.
capped_group_totals as (

    select
        components.as_of,
        components.scoring_model,
        components.lead_id,
        components.rule_group,
        max(rule_groups.max_points) as group_max_points,
        sum(case when components.decayed_points > 0 then components.decayed_points else 0 end)
            as group_positive_points
    from components
    inner join rule_groups
        on components.scoring_model = rule_groups.scoring_model
            and components.rule_group = rule_groups.rule_group
    group by components.as_of, components.scoring_model, components.lead_id, components.rule_group

),

capped as (

    select
        components.*,
        case
            when
                components.decayed_points > 0
                and capped_group_totals.group_positive_points > capped_group_totals.group_max_points
                then
                    components.decayed_points * capped_group_totals.group_max_points
                    / capped_group_totals.group_positive_points
            else components.decayed_points
        end as points
    from components
    left join capped_group_totals
        on components.as_of = capped_group_totals.as_of
            and components.scoring_model = capped_group_totals.scoring_model
            and components.lead_id = capped_group_totals.lead_id
            and components.rule_group = capped_group_totals.rule_group

),

described as (

    select
        capped.*,
        coalesce(fit_rules.description, engagement_rules.description, capped.feature_description) as rule_description,
        engagement_rules.award
    from capped
    left join fit_rules
        on capped.scoring_model = fit_rules.scoring_model
            and capped.rule_id = fit_rules.rule_id
    left join engagement_rules
        on capped.scoring_model = engagement_rules.scoring_model
            and capped.rule_id = engagement_rules.rule_id

),

final as (

    select
        as_of,
        scoring_model,
        lead_id,
        rule_id,
        rule_description,
        category,
        rule_group,
        raw_points,
        decay_factor,
        points,
        is_disqualifying,
        evidence_value,
        cast(event_count as {{ dbt.type_bigint() }}) as event_count,
        last_event_at,
        -- What a CRM field shows: "+25 trial requested", "+20 pricing page x6".
        {{ dbt.concat([
            "(case when points >= 0 then '+' else '' end)",
            "cast(cast(" ~ round_decimal("points", 0) ~ " as " ~ dbt.type_int() ~ ") as " ~ type_text() ~ ")",
            "' '",
            "rule_description",
            "(case when award = 'per_event' and event_count > 1 then ' x' || cast(event_count as " ~ type_text() ~ ") else '' end)",
        ]) }} as reason
    from described

)

select * from final
