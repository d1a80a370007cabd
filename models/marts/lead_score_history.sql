{#- Append-only record of every score, grade and stage change: one row per
    lead, scoring model and build (or backfilled date) in which the lead
    appears, changes or disappears (a tombstone). change_seq is the cursor a
    sync tool reads: strictly increasing, never reused. Never full-refreshed,
    so --full-refresh and a replace load keep it; a date before the latest
    one recorded is not written (history only moves forward). Each lead's
    last row is kept in an index beside it (macros/history_latest.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
    post_hook="{{ history_latest_refresh() }}",
) }}
{%- set latest_state = history_latest_if_current(this) if is_incremental() else none %}

with

scores as (

    select * from {{ ref('int_lead_scores_by_date') }}

),

scoring_dates as (

    select * from {{ ref('int_scoring_dates') }}

),

recorded_through as (

    {%- if is_incremental() %}
        select
            max(recorded.as_of) as as_of,
            max(recorded.change_seq) as last_change_seq
        from {{ this }} as recorded
    {%- else %}
        select
            cast(null as date) as as_of,
            cast(0 as {{ dbt.type_bigint() }}) as last_change_seq
    {%- endif %}

),

-- Each lead's state as the history last recorded it (none on the first build):
-- from the index of each lead's last row while it is as current as the
-- history, so a build reads a row per lead, not every row ever recorded.
previous_state as (

    select
        scoring_model,
        lead_id,
        score,
        grade,
        stage,
        top_reasons
    from (
        {%- if latest_state is not none %}
            select * from {{ latest_state }}
        {%- elif is_incremental() %}
            select *
            from (
                select
                    recorded.*,
                    row_number() over (
                        partition by recorded.scoring_model, recorded.lead_id order by recorded.change_seq desc
                    ) as recency
                from {{ this }} as recorded
            ) as ranked
            where recency = 1
        {%- else %}
            select
                scores.*,
                'insert' as change_type
            from scores
            where 1 = 0
        {%- endif %}
    ) as last_rows
    where change_type <> 'delete'

),

dates_to_record as (

    select
        scoring_dates.as_of,
        row_number() over (order by scoring_dates.as_of) as step
    from scoring_dates
    cross join recorded_through
    where recorded_through.as_of is null or scoring_dates.as_of >= recorded_through.as_of

),

tracked_leads as (

    select
        scores.scoring_model,
        scores.lead_id
    from scores
    inner join dates_to_record
        on scores.as_of = dates_to_record.as_of
    union
    select
        scoring_model,
        lead_id
    from previous_state

),

-- Step 0 is what the history last recorded; steps 1.. are the dates this build scores.
timeline as (

    select
        scoring_model,
        lead_id,
        0 as step,
        cast(null as date) as as_of,
        true as is_present,
        score,
        grade,
        stage,
        top_reasons
    from previous_state
    union all
    select
        tracked_leads.scoring_model,
        tracked_leads.lead_id,
        dates_to_record.step,
        dates_to_record.as_of,
        scores.lead_id is not null as is_present,
        scores.score,
        scores.grade,
        scores.stage,
        scores.top_reasons
    from tracked_leads
    cross join dates_to_record
    left join scores
        on tracked_leads.scoring_model = scores.scoring_model
            and tracked_leads.lead_id = scores.lead_id
            and dates_to_record.as_of = scores.as_of

),

compared as (

    select
        *,
        lag(is_present) over (partition by scoring_model, lead_id order by step) as was_present,
        lag(score) over (partition by scoring_model, lead_id order by step) as previous_score,
        lag(grade) over (partition by scoring_model, lead_id order by step) as previous_grade,
        lag(stage) over (partition by scoring_model, lead_id order by step) as previous_stage
    from timeline

),

changes as (

    select
        *,
        case
            when is_present and not coalesce(was_present, false) then 'insert'
            when not is_present and was_present then 'delete'
            when
                is_present
                and (
                    score <> previous_score
                    or coalesce(grade, '') <> coalesce(previous_grade, '')
                    or coalesce(stage, '') <> coalesce(previous_stage, '')
                )
                then 'update'
        end as change_type
    from compared
    where step > 0

),

final as (

    select
        cast(
            recorded_through.last_change_seq
            + row_number() over (order by changes.as_of, changes.scoring_model, changes.lead_id)
            as {{ dbt.type_bigint() }}
        ) as change_seq,
        changes.lead_id,
        changes.scoring_model,
        changes.change_type,
        case when changes.was_present then changes.previous_score end as previous_score,
        changes.score,
        -- Scores have 2 decimals; so has their difference (without float noise).
        {{ round_decimal(
            "case when changes.change_type = 'update' then changes.score - changes.previous_score "
            ~ "when changes.change_type = 'insert' then changes.score else -1 * changes.previous_score end", 2) }}
            as score_delta,
        case when changes.was_present then changes.previous_grade end as previous_grade,
        changes.grade,
        case when changes.was_present then changes.previous_stage end as previous_stage,
        changes.stage,
        changes.top_reasons,
        changes.as_of,
        {{ build_started_at() }} as scored_at,
        '{{ invocation_id }}' as run_id
    from changes
    cross join recorded_through
    where changes.change_type is not null

)

select * from final
