{#- Point in time: per scoring date, each lead that existed then (created on
    or before it) and the version of it current on that date: the latest
    updated by then. A version updated later is not seen, unless the data has
    no earlier one (then the earliest known stands in). Narrow on purpose: a
    backfill has one row per lead and date. won_at: when the lead was first
    won, if by then (it is a customer on that date). -#}

with

lead_versions as (

    select
        lead_id,
        lead_version,
        created_at,
        updated_at,
        loaded_at,
        source_row
    from {{ ref('stg_crm__lead_versions') }}

),

scoring_dates as (

    select * from {{ ref('int_scoring_dates') }}

),

first_wins as (

    select
        lead_id,
        min(converted_at) as won_at
    from {{ ref('int_conversions_of_known_leads') }}
    where is_known_lead and outcome = 'won'
    group by lead_id

),

candidates as (

    select
        scoring_dates.as_of,
        lead_versions.*
    from lead_versions
    inner join scoring_dates
        -- A lead without a creation date cannot be placed in time: it counts from the start.
        on lead_versions.created_at is null or cast(lead_versions.created_at as date) <= scoring_dates.as_of

),

ranked as (

    select
        as_of,
        lead_id,
        lead_version,
        row_number() over (
            partition by as_of, lead_id
            order by {{ lead_version_preference('updated_at', 'as_of', 'loaded_at', 'source_row') }}
        ) as version_recency
    from candidates

),

final as (

    select
        ranked.as_of,
        ranked.lead_id,
        ranked.lead_version,
        case when cast(first_wins.won_at as date) <= ranked.as_of then first_wins.won_at end as won_at
    from ranked
    left join first_wins
        on ranked.lead_id = first_wins.lead_id
    where ranked.version_recency = 1

)

select * from final
