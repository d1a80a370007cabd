{#- Helpers of the predictive model (models/intermediate/predictive). -#}

{#- ORDER BY terms that rank a lead's versions for one date, best first: the
    latest updated by the date; failing that (a CRM export keeps only the
    latest row of a lead), the earliest version known. Point-in-time scoring
    and the predictive model's training snapshots both pick versions this way. -#}
{% macro lead_version_preference(updated_at, on_date, loaded_at, source_row) -%}
    (case when {{ updated_at }} is null or cast({{ updated_at }} as date) <= {{ on_date }} then 0 else 1 end),
    (case when {{ updated_at }} is null or cast({{ updated_at }} as date) <= {{ on_date }} then {{ updated_at }} end)
        desc nulls last,
    {{ updated_at }} asc,
    {{ loaded_at }} desc,
    {{ source_row }} desc
{%- endmacro %}

{#- A feature value as the model sees it: trimmed, lower-case, and null for
    blanks and the placeholders forms leave behind ("Select", "n/a"), so they
    share the "(missing)" bin. -#}
{% macro feature_text(expr) -%}
    (case
        when lower(trim({{ expr }})) in ('', 'select', 'n/a', 'na', 'none', 'null', '-', '--', '?', 'unknown', '(not set)')
            then null
        else lower(trim({{ expr }}))
    end)
{%- endmacro %}

{#- A bin edge written the same way on every engine: whole numbers without a
    decimal point, others rounded to two decimals. -#}
{% macro number_label(expr) -%}
    (case
        when {{ expr }} = floor({{ expr }}) and abs({{ expr }}) < 1e15
            then cast(cast({{ expr }} as {{ dbt.type_bigint() }}) as {{ type_text() }})
        else cast({{ round_decimal(expr, 2) }} as {{ type_text() }})
    end)
{%- endmacro %}

{#- The logistic function, clamped so no engine overflows exp() (PostgreSQL
    raises on overflow and underflow); at +-30 it is 1 within 1e-13. -#}
{% macro sigmoid(expr) -%}
    (1.0 / (1.0 + exp(-least(30.0, greatest(-30.0, {{ expr }})))))
{%- endmacro %}

{#- The feature slots of the model's design matrix: 1..predictive_max_features. -#}
{% macro predictive_feature_slots() -%}
    {#- int(12): sqlfluff's stand-in var() is a word, and the lint must see real slots. -#}
    {{ return(range(1, (var('predictive_max_features') | int(12)) + 1) | list) }}
{%- endmacro %}

{#- The fitted model's weights as rows, one per feature slot (feature_slot,
    weight, intercept, base_probability), from a CTE holding the one-row
    model; an empty, typed first branch keeps the union valid for any slot count. -#}
{% macro predictive_weight_rows(model_cte) -%}
    select
        cast(null as {{ dbt.type_int() }}) as feature_slot,
        cast(null as {{ type_double() }}) as weight,
        cast(null as {{ type_double() }}) as intercept,
        cast(null as {{ type_double() }}) as base_probability
    from {{ model_cte }}
    where 1 = 0
    {%- for slot in predictive_feature_slots() %}
    union all
    select
        {{ slot }} as feature_slot,
        w_{{ slot }} as weight,
        intercept,
        base_probability
    from {{ model_cte }}
    {%- endfor %}
{%- endmacro %}


{#- CTEs that put each row of the caller's CTE feature_values
    (observation_id, feature_name, value_text, value_number) in its bin of
    the caller's CTE bins (int_predictive_bins), ending in one CTE named
    binned: a number falls in the bin whose lower edge is the highest at or
    below it (below the lowest edge: the first bin); a text in its own bin or
    "(other)"; nothing, or a number feature's non-number text, in
    "(missing)". Shared by the training side (int_predictive_observation_bins)
    and scoring (int_predictive_contributions), so both bin alike. -#}
{% macro predictive_binned_ctes() -%}
{#- At least one bin (sqlfluff renders var() as a word). -#}
{%- set numeric_bins = [var('predictive_numeric_bins') | int, 1] | max -%}
numeric_features as (

    select distinct feature_name
    from bins
    where feature_kind = 'numeric'

),

-- A numeric feature's edges side by side (one row per feature), so each value
-- finds its bin through an equality join instead of a range join over every edge.
numeric_edges as (

    select
        {%- for order in range(1, numeric_bins + 1) %}
            max(case when bin_order = {{ order }} then lower_edge end) as edge_{{ order }},
            max(case when bin_order = {{ order }} then bin_label end) as label_{{ order }},
        {%- endfor %}
        feature_name
    from bins
    where feature_kind = 'numeric' and lower_edge is not null
    group by feature_name

),

numeric_assigned as (

    select
        feature_values.observation_id,
        feature_values.feature_name,
        case
            {%- for order in range(numeric_bins, 0, -1) %}
                when feature_values.value_number >= numeric_edges.edge_{{ order }} then numeric_edges.label_{{ order }}
            {%- endfor %}
            -- Below the lowest edge: the first bin.
            else numeric_edges.label_1
        end as bin_label
    from feature_values
    inner join numeric_edges
        on feature_values.feature_name = numeric_edges.feature_name
    where feature_values.value_number is not null

),

categorical_assigned as (

    select
        feature_values.observation_id,
        feature_values.feature_name,
        coalesce(
            bins.bin_label,
            case when feature_values.value_text is null then '(missing)' else '(other)' end
        ) as bin_label
    from feature_values
    left join numeric_features
        on feature_values.feature_name = numeric_features.feature_name
    left join bins
        on feature_values.feature_name = bins.feature_name
            and feature_values.value_text = bins.category_value
    where numeric_features.feature_name is null

),

missing_numbers as (

    select
        feature_values.observation_id,
        feature_values.feature_name,
        '(missing)' as bin_label
    from feature_values
    inner join numeric_features
        on feature_values.feature_name = numeric_features.feature_name
    where feature_values.value_number is null

),

binned as (

    select
        observation_id,
        feature_name,
        bin_label
    from numeric_assigned
    union all
    select
        observation_id,
        feature_name,
        bin_label
    from categorical_assigned
    union all
    select
        observation_id,
        feature_name,
        bin_label
    from missing_numbers

)
{%- endmacro %}


{#- The raw feature values of the observations in observation_roles, one row
    per observation and feature (int_predictive_feature_values documents
    them). With selected_bins (int_predictive_woe), only the features the
    model kept: scoring needs a few of the candidates, training all of them.
    With stamp (a training table's, predictive_training_stamp), each row carries it. -#}
{% macro predictive_feature_values(observation_roles, selected_bins=none, stamp=none) -%}
{%- set lookback_days = var('predictive_lookback_days') | int -%}
{%- set never_features = [
    'lead_id', 'lead_version', 'source_row', 'is_current_version', 'copy_number', 'loaded_at', 'state_added_at',
    'state_fingerprint'] -%}
{%- set excluded_by_default = [
    'email', 'email_local_part', 'email_domain', 'first_name', 'last_name', 'phone', 'company_name',
    'postal_code', 'created_at', 'updated_at'] -%}
{%- set attributes = [] -%}
{%- if execute -%}
    {%- set settings = run_query(
        "select " ~ normalized_text('feature') ~ ", " ~ normalized_text('action') ~ " from " ~ ref('predictive_features')) -%}
    {%- set included = [] -%}
    {%- set excluded = [] -%}
    {%- for row in settings.rows -%}
        {%- if row[1] == 'include' -%}{%- do included.append(row[0]) -%}
        {%- elif row[1] == 'exclude' -%}{%- do excluded.append(row[0]) -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error(
                "Invalid rule in seeds/predictive_features.csv: feature '" ~ row[0] ~ "': action = '"
                ~ (row[1] if row[1] is not none else '') ~ "' is not valid; expected include or exclude") }}
        {%- endif -%}
    {%- endfor -%}
    {%- for col in adapter.get_columns_in_relation(ref('int_leads_enriched')) -%}
        {%- set name = col.name | lower -%}
        {%- if name not in never_features and name not in excluded
                and (name not in excluded_by_default or name in included) -%}
            {%- do attributes.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif -%}

with

observations as (

    select
        observation_id,
        observed_on,
        lead_id,
        lead_version
    from {{ ref('int_predictive_observations') }}
    where observation_role in ('{{ observation_roles | join("', '") }}')

),
{%- if selected_bins is not none %}

selected_features as (

    select distinct feature_name from {{ selected_bins }}
    where feature_slot is not null

),
{%- endif %}

leads as (

    select * from {{ ref('int_leads_enriched') }}

),

observed_leads as (

    select
        observations.observation_id,
        leads.*
    from observations
    inner join leads
        on observations.lead_id = leads.lead_id
            and observations.lead_version = leads.lead_version

),

attribute_values as (

    -- An empty, typed first branch: a lead table with no usable column still builds.
    select
        observation_id,
        cast(null as {{ type_text() }}) as feature_name,
        cast(null as {{ type_text() }}) as value_text
    from observed_leads
    where 1 = 0
    {%- for attribute in attributes %}
    union all
    select
        observation_id,
        '{{ attribute }}' as feature_name,
        cast({{ adapter.quote(attribute) }} as {{ type_text() }}) as value_text
    from observed_leads
    {%- endfor %}

),

daily_events as (

    select * from {{ ref('int_predictive_daily_events') }}

),

event_types as (

    {{ predictive_event_types_query() }}

),

known_event_types as (

    select count(*) as event_type_count from event_types

),

event_counts as (

    select * from {{ ref('int_predictive_event_counts') }}

),

last_events as (

    select
        observations.observation_id,
        max(daily_events.occurred_on) as last_event_on
    from observations
    inner join daily_events
        on observations.lead_id = daily_events.lead_id
            and observations.observed_on >= daily_events.occurred_on
    group by observations.observation_id

),

engagement_values as (

    -- Dense: a lead with no event of a type has 0 of it, which is what the model must learn.
    select
        observations.observation_id,
        {{ dbt.concat(['event_types.event_type', "' events (" ~ lookback_days ~ " days)'"]) }} as feature_name,
        cast(coalesce(event_counts.events_in_lookback, 0) as {{ type_double() }}) as value_number
    from observations
    cross join event_types
    left join event_counts
        on observations.observation_id = event_counts.observation_id
            and event_types.event_type = event_counts.event_type
    {%- if selected_bins is not none %}
        -- Selected here, not in event_types: known_event_types counts every type.
        where {{ dbt.concat(['event_types.event_type', "' events (" ~ lookback_days ~ " days)'"]) }} in (
            select selected_features.feature_name from selected_features
        )
    {%- endif %}
    union all
    select
        observations.observation_id,
        'days since last event' as feature_name,
        cast({{ dbt.datediff('last_events.last_event_on', 'observations.observed_on', 'day') }} as {{ type_double() }})
            as value_number
    from observations
    cross join known_event_types
    left join last_events
        on observations.observation_id = last_events.observation_id
    where known_event_types.event_type_count > 0
    {%- if selected_bins is not none %}
        and 'days since last event' in (select selected_features.feature_name from selected_features)
    {%- endif %}

),

final as (

    select
        observation_id,
        feature_name,
        'attribute' as feature_source,
        {{ feature_text('value_text') }} as value_text,
        {{ parse_number(feature_text('value_text')) }} as value_number
        {%- if stamp is not none %},
            '{{ stamp }}' as training_inputs
        {%- endif %}
    from attribute_values
    {%- if selected_bins is not none %}
        where feature_name in (select selected_features.feature_name from selected_features)
    {%- endif %}
    union all
    select
        observation_id,
        feature_name,
        'engagement' as feature_source,
        cast(null as {{ type_text() }}) as value_text,
        value_number
        {%- if stamp is not none %},
            '{{ stamp }}' as training_inputs
        {%- endif %}
    from engagement_values

)

select * from final
{%- endmacro %}


{#- What a training table records it was built from: the training inputs'
    fingerprint (int_predictive_training_inputs) and the model's own code.
    The training tables are kept tables (macros/kept_state.sql) whose stamp
    column is training_inputs. -#}
{% macro predictive_training_stamp() -%}
    {{ return(kept_state_stamp('int_predictive_training_inputs', 'inputs_fingerprint')) }}
{%- endmacro %}

{#- True when this training table already holds what this build would write. -#}
{% macro predictive_training_is_current() -%}
    {{ return(kept_state_is_current('int_predictive_training_inputs', 'inputs_fingerprint',
                                    stamp_column='training_inputs')) }}
{%- endmacro %}

{#- The pre-hook of a training table: emptied when its inputs changed, so
    the append that follows rebuilds it whole. -#}
{% macro predictive_training_reset() -%}
    {{ kept_state_reset('int_predictive_training_inputs', 'inputs_fingerprint', stamp_column='training_inputs') }}
{%- endmacro %}


{#- The event types that become engagement features: those of loaded leads'
    events (the daily events also hold events whose lead has not arrived,
    rejected as unknown_lead until it does). One query for the feature values
    and for the training settings' fingerprint, so the two cannot disagree. -#}
{% macro predictive_event_types_query() -%}
    select distinct daily_events.event_type
    from {{ ref('int_predictive_daily_events') }} as daily_events
    where daily_events.lead_id in (
        select loaded_leads.lead_id from {{ ref('int_leads_enriched') }} as loaded_leads
    )
{%- endmacro %}
