{#- Point in time: per scoring date, each lead that existed then (created on
    or before it) and the version of it current on that date: the latest
    updated by then. A version updated later is not seen, unless the data has
    no earlier one (then the earliest known stands in). Narrow on purpose: a
    backfill has one row per lead and date. -#}

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

candidates as (

    select
        scoring_dates.as_of,
        lead_versions.*,
        (lead_versions.updated_at is null or cast(lead_versions.updated_at as date) <= scoring_dates.as_of)
            as is_updated_by_date
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
            order by
                -- The latest version updated by the date; failing that (a CRM export keeps only the
                -- latest row of a lead), the earliest version known: the best the data says of the lead then.
                (case when is_updated_by_date then 0 else 1 end),
                (case when is_updated_by_date then updated_at end) desc nulls last,
                updated_at asc,
                loaded_at desc,
                source_row desc
        ) as version_recency
    from candidates

),

final as (

    select
        as_of,
        lead_id,
        lead_version
    from ranked
    where version_recency = 1

)

select * from final
