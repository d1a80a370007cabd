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

{#- Steps first_step..last_step of the predictive fit's gradient descent, as CTEs
    (each followed by a comma) reading `training` and step_<first_step - 1>:
    residuals_<k> holds every training row with the look-ahead point and its
    residual, step_<k> the one-row weights after step k. -#}
{#- Column j of the fit's matrix (or its weight): column 0 is the intercept's
    (constant 1.0 / weight b), column j the slot's (x_j / w_j). -#}
{% macro predictive_fit_terms(slots, intercept, prefix) -%}
    {%- set terms = [intercept] -%}
    {%- for slot in slots -%}
        {%- do terms.append(prefix ~ slot) -%}
    {%- endfor -%}
    {{ return(terms) }}
{%- endmacro %}

{% macro predictive_fit_steps(first_step, last_step, slots) -%}
    {%- set columns = [0] + slots -%}
    {%- set xs = predictive_fit_terms(slots, '1.0', 'x_') -%}
    {%- set ws = predictive_fit_terms(slots, 'b', 'w_') -%}
    {#- A weight's Nesterov look-ahead, w + momentum x (w - previous w), and the linear predictor there. -#}
    {%- set look_ahead = [] -%}
    {%- set look_ahead_terms = [] -%}
    {%- for j in columns -%}
        {%- set weight = 'previous_step.' ~ ws[j] -%}
        {%- do look_ahead.append('(' ~ weight ~ ' + MOMENTUM * (' ~ weight ~ ' - previous_step.previous_' ~ ws[j] ~ '))') -%}
        {%- do look_ahead_terms.append(look_ahead[j] ~ ('' if j == 0 else ' * training.' ~ xs[j])) -%}
    {%- endfor -%}
    {%- set look_ahead_linear = look_ahead_terms | join(' + ') -%}
    {%- for step in range(first_step, last_step + 1) %}
        {%- set momentum = (step - 1) / (step + 2) %}

    residuals_{{ step }} as (

        -- The look-ahead point and the residual at it, in one projection (a shallower plan for Spark).
        select
            training.*,
            {%- for j in columns %}
                previous_step.{{ ws[j] }} as current_{{ ws[j] }},
                {{ look_ahead[j] | replace('MOMENTUM', momentum | string) }} as look_{{ ws[j] }},
            {%- endfor %}
            {{ sigmoid(look_ahead_linear | replace('MOMENTUM', momentum | string)) }} - training.y as residual,
            previous_step.step_size
        from training
        cross join step_{{ step - 1 }} as previous_step

    ),

    step_{{ step }} as {{ materialized_cte() }} (

        select
            {%- for j in columns %}
                max(look_{{ ws[j] }}) - max(step_size) * avg(residual * {{ xs[j] }}) as {{ ws[j] }},
            {%- endfor %}
            {%- for j in columns %}
                max(current_{{ ws[j] }}) as previous_{{ ws[j] }},
            {%- endfor %}
            max(step_size) as step_size
        from residuals_{{ step }}

    ),
    {%- endfor %}
{%- endmacro %}

{#- How many gradient steps the fit plans at once before it writes a checkpoint
    table (int_predictive_fits); 0: the whole chain in one statement. -#}
{% macro predictive_fit_checkpoint_every() %}{{ return(adapter.dispatch('predictive_fit_checkpoint_every', 'leadscore')()) }}{% endmacro %}
{% macro default__predictive_fit_checkpoint_every() %}{{ return(0) }}{% endmacro %}
{#- Spark's planning time grows faster than the chain: 80 steps in one plan took
    232 s in local mode. -#}
{% macro spark__predictive_fit_checkpoint_every() %}{{ return(10) }}{% endmacro %}

{#- The steps after which the fit writes a checkpoint: every, 2 x every, ...
    below iterations (the last piece is the model's own statement). -#}
{% macro predictive_fit_checkpoint_steps(iterations) -%}
    {%- set every = predictive_fit_checkpoint_every() | int -%}
    {{ return(range(every, iterations, every) | list if every > 0 else []) }}
{%- endmacro %}

{#- The checkpoint table after step `step`, beside int_predictive_fits. -#}
{% macro predictive_fit_checkpoint(step) -%}
    {{ return(api.Relation.create(database=this.database, schema=this.schema,
                                  identifier=this.identifier ~ '__step_' ~ step, type='table')) }}
{%- endmacro %}

{#- int_predictive_fits' post-hook: drop the last checkpoint its fit wrote (the
    fit drops the earlier ones as it goes); nothing on engines without checkpoints. -#}
{% macro drop_predictive_fit_checkpoint() -%}
    {%- set stops = predictive_fit_checkpoint_steps(var('predictive_iterations') | int) -%}
    {%- if stops -%}
        drop table if exists {{ predictive_fit_checkpoint(stops | last) }}
    {%- endif -%}
{%- endmacro %}

{#- The predictive fit's CTEs up to its first step (matrix, training, counts,
    curvature, curvature_rows, step_0), no trailing comma: the fit's statement
    and each of its checkpoint statements start with them. -#}
{% macro predictive_fit_start_ctes(matrix_relation, slots) -%}
    {%- set columns = [0] + slots -%}
    {%- set xs = predictive_fit_terms(slots, '1.0', 'x_') %}
    matrix as (

        select * from {{ matrix_relation }}

    ),

    training as (

        select
            {%- for slot in slots %}
                x_{{ slot }},
            {%- endfor %}
            converted_in_window as y
        from matrix
        where observation_role = 'train'

    ),

    counts as (

        select
            cast(coalesce(sum(case when observation_role = 'train' then 1 else 0 end), 0) as {{ dbt.type_bigint() }})
                as training_leads,
            cast(
                coalesce(sum(case when observation_role = 'train' then converted_in_window else 0 end), 0)
                as {{ dbt.type_bigint() }}
            ) as converted_leads,
            cast(coalesce(sum(case when observation_role = 'holdout' then 1 else 0 end), 0) as {{ dbt.type_bigint() }})
                as holdout_leads,
            cast(
                coalesce(sum(case when observation_role = 'holdout' then converted_in_window else 0 end), 0)
                as {{ dbt.type_bigint() }}
            ) as holdout_converted_leads,
            max(trained_as_of) as trained_as_of,
            min(observed_on) as first_observed_on,
            max(observed_on) as last_observed_on
        from matrix

    ),

    curvature as (

    -- Means of x_j * x_k: the loss's curvature is at most 1/4 of their largest absolute row sum.
        select
            {%- for j in columns %}
                {%- for k in columns if k >= j %}
                    avg({{ xs[j] }} * {{ xs[k] }}) as m_{{ j }}_{{ k }},
                {%- endfor %}
            {%- endfor %}
            count(*) as training_rows
        from training

    ),

    curvature_rows as (

        select
            {%- for j in columns %}
                {%- for k in columns %}
                    abs(m_{{ [j, k] | min }}_{{ [j, k] | max }})
                    +
                {%- endfor %}
                0.0 as row_sum_{{ j }},
            {%- endfor %}
            training_rows
        from curvature

    ),

    step_0 as {{ materialized_cte() }} (

        select
            ln((cast(counts.converted_leads as {{ type_double() }}) + 0.5) / (counts.training_leads - counts.converted_leads + 0.5)) as b,
            {%- for slot in slots %}
                0.0 as w_{{ slot }},
            {%- endfor %}
            ln((cast(counts.converted_leads as {{ type_double() }}) + 0.5) / (counts.training_leads - counts.converted_leads + 0.5))
                as previous_b,
            {%- for slot in slots %}
                0.0 as previous_w_{{ slot }},
            {%- endfor %}
            1.0 / (0.25 * greatest(
                {%- for j in columns %}
                    curvature_rows.row_sum_{{ j }}{{ ',' if not loop.last }}
                {%- endfor %}
            )) as step_size
        from counts
        cross join curvature_rows

    )
{%- endmacro %}

{#- Where the fit's chain of steps starts: {'start': 0, 'checkpoint': none}, or,
    on an engine that checkpoints (predictive_fit_checkpoint_every() > 0), in a
    run or build, the last checkpoint table written here and its step. Each
    piece of the chain (steps k+1..k+every) is one statement that starts from
    the previous checkpoint and is written to the next; the previous one is
    dropped as soon as the next exists. -#}
{% macro predictive_fit_checkpoints(matrix_relation, iterations, slots) -%}
    {%- set chain = {'start': 0, 'checkpoint': none} -%}
    {#- Not in a unit test: its inputs are fixtures inside the one statement. -#}
    {%- if execute and flags.WHICH in ('run', 'build') and model.resource_type != 'unit_test' -%}
        {%- for stop in predictive_fit_checkpoint_steps(iterations) -%}
            {%- set checkpoint = predictive_fit_checkpoint(stop) -%}
            {%- set resume = '' if chain['checkpoint'] is none else
                'step_' ~ chain['start'] ~ ' as (select * from ' ~ chain['checkpoint'] ~ '),' -%}
            {%- set piece = 'with ' ~ predictive_fit_start_ctes(matrix_relation, slots) ~ ',' ~ resume
                ~ predictive_fit_steps(chain['start'] + 1, stop, slots)
                ~ ' final as (select * from step_' ~ stop ~ ') select * from final' -%}
            {%- do run_query('drop table if exists ' ~ checkpoint) -%}
            {%- do run_query(create_table_as_select(checkpoint, piece)) -%}
            {%- if chain['checkpoint'] is not none -%}
                {%- do run_query('drop table if exists ' ~ chain['checkpoint']) -%}
            {%- endif -%}
            {%- do chain.update({'start': stop, 'checkpoint': checkpoint}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(chain) }}
{%- endmacro %}
