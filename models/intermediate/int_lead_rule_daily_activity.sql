{#- The engagement activity scores are computed from: per scoring model, known
    lead, rule and day, activities that met the rule. Event rules come from the
    incremental state as it is stored, one row per day and load batch (a day
    whose events arrived in two loads has two rows; readers sum them); session
    rules from the sessions, which an appended event can extend. A table, not
    a view: as a view, its join to every lead ran inside the scorer's
    aggregation, and at 100M events that one statement ran out of DuckDB's
    3GB; as a table, the 100M build completes within it. -#}

with

state as (

    select * from {{ ref('int_event_rule_matches_daily') }}

),

sessions as (

    select * from {{ ref('int_sessions_summarized') }}

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

known_leads as (

    select lead_id from {{ ref('stg_crm__leads') }}

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
    group by session_rules.scoring_model, session_rules.rule_id, sessions.lead_id, cast(sessions.started_at as date)

),

-- The state holds exactly the active event rules: its fingerprint fails the
-- build when what they match changes. Its columns are picked in
-- session_rule_days' order (a union pairs columns by position).
rule_days as (

    select
        scoring_model,
        lead_id,
        rule_id,
        activity_on,
        activity_count,
        last_occurred_at
    from state
    union all
    select * from session_rule_days

),

final as (

    select rule_days.*
    from rule_days
    inner join known_leads
        on rule_days.lead_id = known_leads.lead_id

)

select * from final
