{#- The backtest's evidence: on snapshot dates every backtest_every_days from
    the first date the history records, each lead that existed and had not
    been won, with the score, grade and stage the history says it had then
    (what a build on that day published: nothing learnt later), and whether it
    was won within prediction_window_days after. Only snapshots whose window
    has closed by as_of are kept, so every label is final. The predictive
    model's scores were published by a fit trained on or before each build's
    first date, on leads whose window had closed: a time split with a gap of
    the window. -#}
{%- set every_days = var('backtest_every_days') | int -%}
{%- set window_days = var('prediction_window_days') | int -%}
{%- if every_days < 1 -%}
    {{ exceptions.raise_compiler_error("var backtest_every_days must be a whole number of days, 1 or more") }}
{%- endif -%}

with

-- A recorded state holds from its date until the lead's next recorded change.
states as (

    select
        scoring_model,
        lead_id,
        change_type,
        score,
        grade,
        stage,
        as_of as recorded_on,
        lead(as_of) over (partition by scoring_model, lead_id order by change_seq) as superseded_on
    from {{ ref('lead_score_history') }}

),

scoring_dates as (

    select as_of from {{ ref('int_scoring_dates') }}
    where is_latest

),

conversions as (

    select * from {{ ref('int_conversions_of_known_leads') }}
    where is_known_lead and outcome = 'won'

),

won as (

    select
        lead_id,
        min(cast(converted_at as date)) as won_on
    from conversions
    group by lead_id

),

-- 4,096 steps: eleven years of daily snapshots.
steps as (

    {{ dbt.generate_series(4096) }}

),

first_recorded as (

    select min(recorded_on) as first_recorded_on from states

),

snapshots as (

    select
        cast(
            {{ dbt.dateadd('day', '(steps.generated_number - 1) * ' ~ every_days, 'first_recorded.first_recorded_on') }}
            as date
        ) as snapshot_on
    from steps
    cross join first_recorded

),

-- Snapshots whose prediction window has closed by the build's as_of.
closed_snapshots as (

    select snapshots.snapshot_on
    from snapshots
    cross join scoring_dates
    where cast({{ dbt.dateadd('day', window_days, 'snapshots.snapshot_on') }} as date) <= scoring_dates.as_of

),

snapshot_states as (

    select
        closed_snapshots.snapshot_on,
        states.scoring_model,
        states.lead_id,
        states.score,
        states.grade,
        states.stage,
        states.recorded_on
    from closed_snapshots
    inner join states
        on closed_snapshots.snapshot_on >= states.recorded_on
            and (states.superseded_on is null or closed_snapshots.snapshot_on < states.superseded_on)
    where states.change_type <> 'delete'

),

final as (

    select
        {{ dbt.concat([
            'snapshot_states.scoring_model', "':'",
            'cast(snapshot_states.snapshot_on as ' ~ type_text() ~ ')', "':'",
            'snapshot_states.lead_id',
        ]) }} as backtest_score_id,
        snapshot_states.scoring_model,
        snapshot_states.snapshot_on,
        snapshot_states.lead_id,
        snapshot_states.recorded_on as scored_as_of,
        snapshot_states.score,
        snapshot_states.grade,
        snapshot_states.stage,
        {{ score_band('snapshot_states.score') }} as score_band,
        case
            when won.won_on > snapshot_states.snapshot_on
                and won.won_on <= cast({{ dbt.dateadd('day', window_days, 'snapshot_states.snapshot_on') }} as date)
                then 1
            else 0
        end as converted_in_window,
        won.won_on
    from snapshot_states
    left join won
        on snapshot_states.lead_id = won.lead_id
    -- A lead won by the snapshot is a customer, not a prospect to rank.
    where won.won_on is null or won.won_on > snapshot_states.snapshot_on

)

select * from final
