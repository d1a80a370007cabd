{#- Per raw table: raw rows, rows scored and rows rejected, each counted on its
    own so the test that raw = accepted + rejected can catch a lost row.
    A lead's superseded versions (older updated_at) count as accepted history:
    accepted_rows = current_rows + superseded_rows. -#}

with

leads as (

    select * from {{ ref('base_crm__leads') }}

),

events as (

    select
        count(*) as raw_rows,
        max(loaded_at) as loaded_through
    from {{ ref('base_crm__events') }}

),

conversions as (

    select
        count(*) as raw_rows,
        max(loaded_at) as loaded_through
    from {{ ref('base_crm__conversions') }}

),

scored_events as (

    select count(*) as accepted_rows from {{ ref('int_events_of_known_leads') }}
    where is_known_lead

),

scored_conversions as (

    select count(*) as accepted_rows from {{ ref('int_conversions_of_known_leads') }}
    where is_known_lead

),

rejects as (

    select
        source_table,
        count(*) as rejected_rows,
        sum(case when reason = 'duplicate_event_id' then 1 else 0 end) as duplicate_rows
    from {{ ref('data_quality_rejects') }}
    group by source_table

),

raw_counts as (

    select
        'leads' as source_table,
        count(*) as raw_rows,
        -- coalesce: sum() over an empty table is null, and an empty table has 0 rows.
        cast(coalesce(sum(case when reject_reason is null then 1 else 0 end), 0) as {{ dbt.type_bigint() }})
            as accepted_rows,
        cast(coalesce(sum(case when is_current_version then 1 else 0 end), 0) as {{ dbt.type_bigint() }})
            as current_rows,
        cast(
            coalesce(sum(case when reject_reason is null and not is_current_version then 1 else 0 end), 0)
            as {{ dbt.type_bigint() }}
        ) as superseded_rows,
        max(loaded_at) as loaded_through
    from leads
    union all
    select
        'events' as source_table,
        events.raw_rows,
        scored_events.accepted_rows,
        cast(null as {{ dbt.type_bigint() }}) as current_rows,
        cast(null as {{ dbt.type_bigint() }}) as superseded_rows,
        events.loaded_through
    from events cross join scored_events
    union all
    select
        'conversions' as source_table,
        conversions.raw_rows,
        scored_conversions.accepted_rows,
        cast(null as {{ dbt.type_bigint() }}) as current_rows,
        cast(null as {{ dbt.type_bigint() }}) as superseded_rows,
        conversions.loaded_through
    from conversions cross join scored_conversions

),

final as (

    select
        raw_counts.source_table,
        raw_counts.raw_rows,
        raw_counts.accepted_rows,
        coalesce(rejects.rejected_rows, 0) as rejected_rows,
        cast(coalesce(rejects.duplicate_rows, 0) as {{ dbt.type_bigint() }}) as duplicate_rows,
        raw_counts.current_rows,
        raw_counts.superseded_rows,
        -- Duplicates are judged apart: a batch delivered twice changes no score.
        cast(case
            when raw_counts.raw_rows = 0 then 0.0
            else 1.0 * (coalesce(rejects.rejected_rows, 0) - coalesce(rejects.duplicate_rows, 0)) / raw_counts.raw_rows
        end as {{ type_double() }}) as rejected_share,
        raw_counts.loaded_through
    from raw_counts
    left join rejects
        on raw_counts.source_table = rejects.source_table

)

select * from final
