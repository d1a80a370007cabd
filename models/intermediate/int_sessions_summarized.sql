{#- One row per lead session: pages seen and time spent, for session rules
    (the documents' "more than 2 minutes and at least 2 pages"). -#}

with

events as (

    select * from {{ ref('int_events_of_known_leads') }}
    where is_known_lead and session_id is not null

),

final as (

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

)

select * from final
