{#- Every feature value of every observation, one row per observation and
    feature, raw (binning comes next). Attributes: each column of
    int_leads_enriched, standard, custom and derived, except identifiers and
    personal data (ids, email, names, phone, company name, postal code) and
    dates; seeds/predictive_features.csv adds or removes columns. Engagement
    (when events exist): per event type, the events in the
    predictive_lookback_days up to the observation date (counted in
    int_predictive_event_counts, zeros filled in here), and the days since
    the lead's last event. Only real column names become SQL: a seed row is
    compared with them, never pasted. -#}
{%- set lookback_days = var('predictive_lookback_days') | int -%}
{%- set never_features = ['lead_id', 'lead_version', 'source_row', 'is_current_version', 'copy_number', 'loaded_at'] -%}
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

-- depends_on: {{ ref('predictive_features') }}

with

observations as (

    select
        observation_id,
        observed_on,
        lead_id,
        lead_version
    from {{ ref('int_predictive_observations') }}

),

leads as (

    select * from {{ ref('int_leads_enriched') }}

),

events as (

    select * from {{ ref('int_events_of_known_leads') }}
    where is_known_lead

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

    select
        lead_id,
        event_type,
        occurred_on,
        count(*) as events
    from events
    group by lead_id, event_type, occurred_on

),

event_types as (

    select distinct event_type from daily_events

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

),

final as (

    select
        observation_id,
        feature_name,
        'attribute' as feature_source,
        {{ feature_text('value_text') }} as value_text,
        {{ parse_number(feature_text('value_text')) }} as value_number
    from attribute_values
    union all
    select
        observation_id,
        feature_name,
        'engagement' as feature_source,
        cast(null as {{ type_text() }}) as value_text,
        value_number
    from engagement_values

)

select * from final
