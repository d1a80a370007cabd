{#- One row: fingerprints of what the kept fit state depends on besides the
    lead rows themselves. enrichment_fingerprint (int_leads_enriched): the
    seeds leads are enriched with, the lead columns, how dates are read.
    matching_fingerprint (int_fit_rules_matched): that, plus the fit rules
    and which scoring models are active. When one changes, the table it
    stamps is rebuilt whole in the same build; otherwise a build only adds
    the lead versions that are new. Without a load-time column
    (var leadscore_loaded_at_column) both differ on every build. -#}
{#- The SQL the macros these models call render to: an upgrade that changes
    how a value is parsed or matched rebuilds the state. -#}
{%- set enrichment_code = [
    parse_timestamp('x'), plausible_timestamp('r', 'p', 'l'), parse_number('x'), safe_to_number('x'),
    is_valid_email('x'), is_gibberish('x'), padded_words('x'), normalized_text('x'), row_fingerprint(['x'])]
    if execute else [] -%}
{%- set enrichment_parts = [
    var('date_order'), var('future_tolerance_hours'),
    var('leadscore_loaded_at_column', '_loaded_at') or invocation_id,
    'version:' ~ kept_fit_state_version(), 'code:' ~ (enrichment_code | join('\x1f'))] -%}
{%- set matching_parts = ['code:' ~ fit_rule_condition('r', 'a')] if execute else [] -%}
{%- if execute -%}
    {%- for seed in ['title_seniority_patterns', 'personal_email_domains', 'competitor_domains',
            'served_territories'] -%}
        {%- for row in run_query("select * from " ~ ref(seed)).rows -%}
            {%- do enrichment_parts.append(seed ~ ':' ~ (row.values() | map('string') | join('\x1f'))) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for col in adapter.get_columns_in_relation(ref('stg_crm__lead_versions')) -%}
        {%- do enrichment_parts.append('column:' ~ col.name | lower ~ ':' ~ col.data_type | lower) -%}
    {%- endfor -%}
    {%- for model_name in ['stg_rules__fit_rules', 'stg_rules__scoring_models'] -%}
        {%- for row in run_query("select * from " ~ ref(model_name)).rows -%}
            {%- do matching_parts.append(model_name ~ ':' ~ (row.values() | map('string') | join('\x1f'))) -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endif -%}
{#- Sorted: rows come back in no fixed order. -#}
{%- set enrichment_fingerprint = local_md5(enrichment_parts | map('string') | sort | join('\x1e')) if execute else '' -%}
{%- set matching_fingerprint = local_md5(
    enrichment_fingerprint ~ '\x1e' ~ (matching_parts | map('string') | sort | join('\x1e'))) if execute else '' -%}
-- depends_on: {{ ref('title_seniority_patterns') }}
-- depends_on: {{ ref('personal_email_domains') }}
-- depends_on: {{ ref('competitor_domains') }}
-- depends_on: {{ ref('served_territories') }}
-- depends_on: {{ ref('stg_crm__lead_versions') }}
-- depends_on: {{ ref('stg_rules__fit_rules') }}
-- depends_on: {{ ref('stg_rules__scoring_models') }}

select
    '{{ enrichment_fingerprint }}' as enrichment_fingerprint,
    '{{ matching_fingerprint }}' as matching_fingerprint
