{#- Per scoring model, lead, session rule and day, the sessions that met the
    rule (the documents' "more than 2 minutes and at least 2 pages") and when
    the last one started: the session rules' counterpart of
    int_event_rule_matches_daily. Rebuilt each build, since an appended event
    can extend a session. Sessions are summarised inside this model, the only
    one that reads them, so their rows (about one per lead and day) are never
    written; what is written is small, so int_lead_rule_daily_activity can be
    a view over it and the event state. Events of leads not loaded yet count
    too: int_lead_score_components keeps the leads that exist on each date. -#}

with

events as (

    select
        lead_id,
        session_id,
        event_type,
        occurred_at,
        duration_seconds
    from {{ ref('int_events_deduplicated') }}
    where session_id is not null

),

session_rules as (

    select
        scoring_model,
        rule_id,
        min_duration_seconds,
        min_pages
    from {{ ref('int_engagement_rules_active') }}
    where event_type = 'session'

),

-- Time spent: the summed durations, or the first-to-last event span when larger.
sessions as (

    select
        lead_id,
        session_id,
        min(occurred_at) as started_at,
        sum(case when event_type = 'page_view' then 1 else 0 end) as page_count,
        greatest(
            coalesce(sum(duration_seconds), 0),
            {{ dbt.datediff('min(occurred_at)', 'max(occurred_at)', 'second') }}
        ) as duration_seconds
    from events
    group by lead_id, session_id

),

final as (

    select
        session_rules.scoring_model,
        sessions.lead_id,
        session_rules.rule_id,
        cast(sessions.started_at as date) as activity_on,
        count(*) as activity_count,
        max(sessions.started_at) as last_occurred_at
    from sessions
    inner join session_rules
        on (session_rules.min_duration_seconds is null or sessions.duration_seconds >= session_rules.min_duration_seconds)
            and (session_rules.min_pages is null or sessions.page_count >= session_rules.min_pages)
    group by session_rules.scoring_model, session_rules.rule_id, sessions.lead_id, cast(sessions.started_at as date)

)

select * from final
