{#- The compact engagement state: per scoring model, lead, rule and day, how
    many activities met the rule and when the last one happened. Events and
    sessions are matched to the engagement rules once, here; decay is applied
    later from the day, so this state never goes stale as as_of moves. -#}

with

events as (

    select
        lead_id,
        event_type,
        url_normalized,
        email_type,
        duration_seconds,
        cast(null as {{ dbt.type_bigint() }}) as page_count,
        occurred_at
    from {{ ref('int_events_of_known_leads') }}
    where is_known_lead

),

sessions as (

    select
        lead_id,
        'session' as event_type,
        cast(null as {{ type_text() }}) as url_normalized,
        cast(null as {{ type_text() }}) as email_type,
        duration_seconds,
        page_count,
        started_at as occurred_at
    from {{ ref('int_sessions_summarized') }}

),

activities as (

    select * from events
    union all
    select * from sessions

),

rules as (

    select engagement_rules.*
    from {{ ref('stg_rules__engagement_rules') }} as engagement_rules
    inner join {{ ref('stg_rules__scoring_models') }} as scoring_models
        on engagement_rules.scoring_model = scoring_models.scoring_model
    where scoring_models.is_active

),

matched as (

    select
        rules.scoring_model,
        activities.lead_id,
        rules.rule_id,
        cast(activities.occurred_at as date) as activity_on,
        activities.occurred_at
    from activities
    inner join rules
        on activities.event_type = rules.event_type
    where
        (rules.url_contains is null or {{ dbt.position('rules.url_contains', 'activities.url_normalized') }} > 0)
        and (rules.email_type is null or activities.email_type = rules.email_type)
        and (rules.min_duration_seconds is null or activities.duration_seconds >= rules.min_duration_seconds)
        and (rules.min_pages is null or activities.page_count >= rules.min_pages)

),

final as (

    select
        scoring_model,
        lead_id,
        rule_id,
        activity_on,
        count(*) as activity_count,
        max(occurred_at) as last_occurred_at
    from matched
    group by scoring_model, lead_id, rule_id, activity_on

)

select * from final
