{#- The compact engagement state the scores are computed from: per scoring
    model, known lead, rule and day, the activities that met the rule. Event
    rules come from the incremental state (its partial counts summed); session
    rules from the sessions, which an appended event can extend. -#}

with

event_rule_days as (

    select
        scoring_model,
        lead_id,
        rule_id,
        activity_on,
        sum(activity_count) as activity_count,
        max(last_occurred_at) as last_occurred_at
    from {{ ref('int_event_rule_matches_daily') }}
    group by scoring_model, lead_id, rule_id, activity_on

),

sessions as (

    select * from {{ ref('int_sessions_summarized') }}

),

session_rules as (

    select * from {{ ref('int_engagement_rules_active') }}
    where event_type = 'session'

),

session_rule_days as (

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
    group by session_rules.scoring_model, sessions.lead_id, session_rules.rule_id, cast(sessions.started_at as date)

),

known_leads as (

    select lead_id from {{ ref('stg_crm__leads') }}

),

final as (

    select event_rule_days.*
    from event_rule_days
    inner join known_leads
        on event_rule_days.lead_id = known_leads.lead_id
    union all
    select session_rule_days.*
    from session_rule_days
    inner join known_leads
        on session_rule_days.lead_id = known_leads.lead_id

)

select * from final
