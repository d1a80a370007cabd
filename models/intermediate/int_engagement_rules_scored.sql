{#- Engagement and event-based negative rules scored as of each scoring date: each day's
    activities weighted by the rule's decay, frequency thresholds checked on
    the activities the decay still counts, then the rule's own cap. -#}

with

daily_activity as (

    select * from {{ ref('int_lead_rule_daily_activity') }}

),

rules as (

    select
        *,
        {{ engagement_rule_key() }} as rule_key
    from {{ ref('stg_rules__engagement_rules') }}

),

scoring_dates as (

    select * from {{ ref('int_scoring_dates') }}

),

aged as (

    select
        scoring_dates.as_of,
        rules.rule_key,
        daily_activity.lead_id,
        daily_activity.activity_count,
        daily_activity.last_occurred_at,
        {{ decay_factor(
            'rules.decay', 'rules.decay_days',
            dbt.datediff('daily_activity.activity_on', 'scoring_dates.as_of', 'day')) }} as day_weight
    from daily_activity
    inner join rules
        on daily_activity.scoring_model = rules.scoring_model
            and daily_activity.rule_id = rules.rule_id
    cross join scoring_dates
    -- Activity after as_of has not happened yet as far as this score knows.
    where daily_activity.activity_on <= scoring_dates.as_of

),

per_rule as (

    select
        as_of,
        rule_key,
        lead_id,
        sum(case when day_weight > 0 then activity_count else 0 end) as counted_activities,
        sum(activity_count * day_weight) as weighted_activities,
        -- Decay only falls with age, so the largest weight is the latest day's.
        max(day_weight) as latest_weight,
        max(case when day_weight > 0 then last_occurred_at end) as last_event_at
    from aged
    group by as_of, rule_key, lead_id

),

scored as (

    select
        per_rule.as_of,
        rules.scoring_model,
        per_rule.lead_id,
        rules.rule_id,
        rules.category,
        rules.rule_group,
        rules.is_disqualifying,
        rules.points * (case when rules.award = 'per_event' then per_rule.counted_activities else 1 end)
            as raw_points,
        case
            when rules.award = 'per_event' then per_rule.weighted_activities / per_rule.counted_activities
            else per_rule.latest_weight
        end as decay_factor,
        rules.points * (case when rules.award = 'per_event' then per_rule.weighted_activities else per_rule.latest_weight end)
            as uncapped_points,
        rules.max_points,
        per_rule.counted_activities,
        per_rule.last_event_at
    from per_rule
    inner join rules
        on per_rule.rule_key = rules.rule_key
    where
        per_rule.counted_activities >= rules.min_count
        and (rules.max_count is null or per_rule.counted_activities <= rules.max_count)

),

final as (

    select
        as_of,
        scoring_model,
        lead_id,
        rule_id,
        category,
        rule_group,
        is_disqualifying,
        raw_points,
        decay_factor,
        {{ capped_points('uncapped_points', 'max_points') }} as decayed_points,
        cast(null as {{ type_text() }}) as evidence_value,
        counted_activities as event_count,
        last_event_at
    from scored

)

select * from final
