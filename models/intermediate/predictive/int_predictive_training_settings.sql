{#- One row: a fingerprint of what the predictive training tables depend on
    besides the data (int_predictive_training_inputs adds the data): the
    predictive settings, the seeds leads are enriched with and
    predictive_features.csv, the lead table's columns and the event types.
    Without a load-time column (var leadscore_loaded_at_column) it differs on
    every build, so nothing is kept. -#}
{%- set compile_time_parts = [
    var('prediction_window_days'), var('predictive_snapshot_days'), var('predictive_holdout_share'),
    var('predictive_lookback_days'), var('predictive_numeric_bins'), var('predictive_min_bin_leads'),
    var('predictive_min_bin_share'), var('predictive_retrain_period', 'week'), var('date_order'),
    var('future_tolerance_hours'), var('leadscore_loaded_at_column', '_loaded_at') or invocation_id] -%}
{%- if execute -%}
    {%- for seed in ['predictive_features', 'title_seniority_patterns', 'personal_email_domains',
            'competitor_domains', 'served_territories'] -%}
        {%- for row in run_query("select * from " ~ ref(seed)).rows -%}
            {%- do compile_time_parts.append(seed ~ ':' ~ (row.values() | map('string') | join('\x1f'))) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for col in adapter.get_columns_in_relation(ref('int_leads_enriched')) -%}
        {%- do compile_time_parts.append('column:' ~ col.name | lower) -%}
    {%- endfor -%}
    {%- for row in run_query(predictive_event_types_query()).rows -%}
        {%- do compile_time_parts.append('event_type:' ~ row[0]) -%}
    {%- endfor -%}
{%- endif -%}
{#- Sorted: seed rows come back in no fixed order. -#}
{%- set compile_time_fingerprint = local_md5(compile_time_parts | map('string') | sort | join('\x1e')) if execute else '' -%}
-- depends_on: {{ ref('predictive_features') }}
-- depends_on: {{ ref('title_seniority_patterns') }}
-- depends_on: {{ ref('personal_email_domains') }}
-- depends_on: {{ ref('competitor_domains') }}
-- depends_on: {{ ref('served_territories') }}
-- depends_on: {{ ref('int_leads_enriched') }}
-- depends_on: {{ ref('int_predictive_daily_events') }}

select '{{ compile_time_fingerprint }}' as settings_fingerprint
