{#- One row: what this run rescores. Every lead when there is no earlier
    scoring run, on --full-refresh, or when as_of or the rules (any seed, or a
    var scoring reads) differ from the last run's; otherwise only the leads
    with rows loaded since the last run (int_leads_to_rescore). -#}
{%- set rules_digest = scoring_rules_digest() -%}
{%- set previous_runs = scoring_runs_relation() -%}
{%- if flags.FULL_REFRESH -%}
    {%- set no_comparison_reason = 'full_refresh' -%}
{%- elif lead_level_materialization() != 'incremental' -%}
    {%- set no_comparison_reason = 'engine_rebuilds_tables' -%}
{%- elif previous_runs is none -%}
    {%- set no_comparison_reason = 'first_run' -%}
{%- else -%}
    {%- set no_comparison_reason = none -%}
{%- endif %}

with

scoring_dates as (

    select * from {{ ref('int_scoring_dates') }}

),

loaded_through as (

    select
        (select max(events.loaded_at) from {{ ref('int_events_deduplicated') }} as events) as events_loaded_through,
        (select max(leads.loaded_at) from {{ ref('base_crm__leads') }} as leads) as leads_loaded_through,
        (select max(conversions.loaded_at) from {{ ref('base_crm__conversions') }} as conversions)
            as conversions_loaded_through

),

previous_run as (

    {%- if no_comparison_reason is none %}
        select
            runs.as_of,
            runs.rules_digest,
            runs.events_loaded_through,
            runs.leads_loaded_through,
            runs.conversions_loaded_through
        from {{ previous_runs }} as runs
        where runs.run_number = (select max(all_runs.run_number) from {{ previous_runs }} as all_runs)
    {%- else %}
        -- Nothing to compare with ({{ no_comparison_reason }}): an empty, typed row set.
        select
            cast(null as date) as as_of,
            cast(null as {{ type_text() }}) as rules_digest,
            cast(null as {{ dbt.type_timestamp() }}) as events_loaded_through,
            cast(null as {{ dbt.type_timestamp() }}) as leads_loaded_through,
            cast(null as {{ dbt.type_timestamp() }}) as conversions_loaded_through
        from scoring_dates
        where 1 = 0
    {%- endif %}

),

final as (

    select
        scoring_dates.as_of,
        '{{ rules_digest }}' as rules_digest,
        loaded_through.events_loaded_through,
        loaded_through.leads_loaded_through,
        loaded_through.conversions_loaded_through,
        previous_run.as_of as previous_as_of,
        -- A table that was empty last run counts as loaded through the distant past.
        coalesce(previous_run.events_loaded_through, {{ distant_past() }}) as previous_events_loaded_through,
        coalesce(previous_run.leads_loaded_through, {{ distant_past() }}) as previous_leads_loaded_through,
        coalesce(previous_run.conversions_loaded_through, {{ distant_past() }}) as previous_conversions_loaded_through,
        case
            when previous_run.as_of is null then '{{ no_comparison_reason }}'
            when previous_run.as_of <> scoring_dates.as_of then 'as_of_changed'
            when previous_run.rules_digest <> '{{ rules_digest }}' then 'rules_changed'
        end as rescore_all_reason,
        (
            previous_run.as_of is null
            or previous_run.as_of <> scoring_dates.as_of
            or previous_run.rules_digest <> '{{ rules_digest }}'
        ) as rescore_all
    from scoring_dates
    cross join loaded_through
    left join previous_run
        on 1 = 1

)

select * from final
