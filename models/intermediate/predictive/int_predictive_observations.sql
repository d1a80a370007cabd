{#- Whom the predictive model learns from and whom it scores, one row each.
    Training: every lead whose prediction window has closed by the training
    date (the start of the first scoring date's week), seen as it was at its snapshot (creation plus
    predictive_snapshot_days), labelled 1 when won within
    prediction_window_days of creation. A lead still inside its window is
    scored, never used as a negative; a lead already won at its snapshot was
    never a prospect. A share of training leads, picked by a hash of lead_id
    (the same on every engine), is held out to measure the model. Scoring:
    every lead on every scoring date, in the version in effect then. -#}
{%- set window_days = var('prediction_window_days') | int -%}
{%- set snapshot_days = var('predictive_snapshot_days') | int -%}
{%- set retrain_period = var('predictive_retrain_period', 'week') -%}
{%- if retrain_period not in ('day', 'week', 'month') -%}
    {{ exceptions.raise_compiler_error(
        "var predictive_retrain_period must be day, week or month, got '" ~ retrain_period ~ "'") }}
{%- endif -%}
{%- set holdout_share = [[var('predictive_holdout_share') | float, 0.0] | max, 1.0] | min -%}
{#- md5's first two hex digits are uniform over 00-ff: compare them as text. -#}
{%- set holdout_below = '%02x' % ([(holdout_share * 256) | round | int, 255] | min) -%}

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

versions_in_effect as (

    select * from {{ ref('int_lead_versions_in_effect') }}

),

conversions as (

    select * from {{ ref('int_conversions_of_known_leads') }}
    where is_known_lead and outcome = 'won'

),

trained_as_of as (

    -- Training data is cut at the start of the scoring date's week (var
    -- predictive_retrain_period), so daily builds within a week reuse one fit.
    -- A backfill scoring many dates trains at its first date's: no date it
    -- scores is before the model's training data (the backtest relies on it).
    select cast({{ dbt.date_trunc(retrain_period, 'min(as_of)') }} as date) as trained_as_of
    from {{ ref('int_scoring_dates') }}

),

won as (

    select
        lead_id,
        min(cast(converted_at as date)) as won_on
    from conversions
    group by lead_id

),

leads as (

    select
        lead_id,
        min(cast(created_at as date)) as created_on
    from lead_versions
    group by lead_id

),

training_leads as (

    select
        leads.lead_id,
        cast({{ dbt.dateadd('day', snapshot_days, 'leads.created_on') }} as date) as observed_on,
        case
            when won.won_on >= leads.created_on
                and won.won_on <= cast({{ dbt.dateadd('day', window_days, 'leads.created_on') }} as date)
                then 1
            else 0
        end as converted_in_window,
        case
            when substring({{ dbt.hash('leads.lead_id') }}, 1, 2) < '{{ holdout_below }}' then 'holdout'
            else 'train'
        end as observation_role,
        trained_as_of.trained_as_of
    from leads
    cross join trained_as_of
    left join won
        on leads.lead_id = won.lead_id
    where
        cast({{ dbt.dateadd('day', window_days, 'leads.created_on') }} as date) <= trained_as_of.trained_as_of
        and (won.won_on is null or won.won_on >= cast({{ dbt.dateadd('day', snapshot_days, 'leads.created_on') }} as date))

),

training_versions as (

    select
        training_leads.*,
        lead_versions.lead_version,
        row_number() over (
            partition by training_leads.lead_id
            order by {{ lead_version_preference(
                'lead_versions.updated_at', 'training_leads.observed_on',
                'lead_versions.loaded_at', 'lead_versions.source_row') }}
        ) as version_recency
    from training_leads
    inner join lead_versions
        on training_leads.lead_id = lead_versions.lead_id

),

observations as (

    select
        {{ dbt.concat(["'snapshot:'", 'lead_id']) }} as observation_id,
        observation_role,
        observed_on,
        lead_id,
        lead_version,
        converted_in_window,
        trained_as_of
    from training_versions
    where version_recency = 1
    union all
    select
        {{ dbt.concat(['cast(as_of as ' ~ type_text() ~ ')', "':'", 'lead_id']) }} as observation_id,
        'score' as observation_role,
        as_of as observed_on,
        lead_id,
        lead_version,
        cast(null as {{ dbt.type_int() }}) as converted_in_window,
        cast(null as date) as trained_as_of
    from versions_in_effect

),

final as (

    select * from observations

)

select * from final
