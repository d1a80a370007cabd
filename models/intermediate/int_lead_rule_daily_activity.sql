{#- The compact engagement state the scores are computed from: per scoring
    model, known lead, rule and day, the activities that met the rule. Event
    rules come from the incremental state (its partial counts summed); session
    rules from the sessions, which an appended event can extend. -#}

with

state as (

    select * from {{ ref('int_event_rule_matches_daily') }}

),

sessions as (

    select * from {{ ref('int_sessions_summarized') }}

),

-- Days are summed per rule number and the rule's names joined back after:
-- grouping on the text keys ran out of DuckDB's 3GB at 100M events.
rules as (

    select
        scoring_model,
        rule_id,
        event_type,
        min_duration_seconds,
        min_pages,
        {{ engagement_rule_key() }} as rule_key
    from {{ ref('int_engagement_rules_active') }}

),

-- The state holds exactly the active event rules (its fingerprint fails the
-- build when they change), so this join keeps every state row.
event_rule_days as (

    select
        rules.rule_key,
        state.lead_id,
        state.activity_on,
        sum(state.activity_count) as activity_count,
        max(state.last_occurred_at) as last_occurred_at
    from state
    inner join rules
        on state.scoring_model = rules.scoring_model
            and state.rule_id = rules.rule_id
    group by rules.rule_key, state.lead_id, state.activity_on

),

session_rule_days as (

    select
        rules.rule_key,
        sessions.lead_id,
        cast(sessions.started_at as date) as activity_on,
        count(*) as activity_count,
        max(sessions.started_at) as last_occurred_at
    from sessions
    inner join rules
        on (rules.min_duration_seconds is null or sessions.duration_seconds >= rules.min_duration_seconds)
            and (rules.min_pages is null or sessions.page_count >= rules.min_pages)
    where rules.event_type = 'session'
    group by rules.rule_key, sessions.lead_id, cast(sessions.started_at as date)

),

rule_days as (

    select * from event_rule_days
    union all
    select * from session_rule_days

),

known_leads as (

    select lead_id from {{ ref('stg_crm__leads') }}

),

final as (

    select
        rules.scoring_model,
        rule_days.lead_id,
        rules.rule_id,
        rule_days.activity_on,
        rule_days.activity_count,
        rule_days.last_occurred_at
    from rule_days
    inner join rules
        on rule_days.rule_key = rules.rule_key
    inner join known_leads
        on rule_days.lead_id = known_leads.lead_id

)

select * from final
