"""Deterministic synthetic leads, events and conversions, generated in DuckDB SQL.

Every random draw is a hash of (row, seed, purpose), so a seed always gives the
same files, and 50 million events take minutes on two cores, not hours.
"""

from pathlib import Path

import duckdb

# The data ends on a fixed day so that generated data never depends on the clock.
END_DATE = "2026-10-31"


def _draw(row: str, seed: int, purpose: int) -> str:
    """SQL for a uniform draw in [0, 1) fixed by row, seed and purpose."""
    return f"((hash({row}, {seed}, {purpose}) % 1000003) / 1000003.0)"


def _pick(values: list[str], row: str, seed: int, purpose: int) -> str:
    items = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"list_element([{items}], 1 + cast(hash({row}, {seed}, {purpose}) % {len(values)} as integer))"


FIRST_NAMES = ["Ana", "João", "Maria", "Pedro", "Lucía", "Javier", "Ioana", "Andrei", "Ștefan",
               "Mihaela", "Carlos", "Sofia", "James", "Emily", "Wei", "Priya", "Élodie", "Zoë",
               "Gonçalo", "Inês", "Raúl", "Bogdan", "Sarah", "Michael"]
LAST_NAMES = ["Silva", "Santos", "Oliveira", "García", "Fernández", "Popescu", "Ionescu",
              "Rodrigues", "Martins", "López", "Smith", "Johnson", "Chen", "Patel", "Müller",
              "Dumitrescu", "Costa", "Pereira", "Sánchez", "Brown"]
COMPANIES = ["acme", "globex", "initech", "umbrella", "hooli", "vandelay", "stark", "wayne",
             "tyrell", "cyberdyne", "soylent", "aperture", "gringotts", "oscorp", "wonka",
             "massive", "dunder", "pied", "bluth", "prestige"]
TITLES_SENIOR = ["CEO", "CTO", "Chief Marketing Officer", "Founder", "VP Sales",
                 "VP of Marketing", "Vice President, Growth", "Director of Marketing",
                 "Diretor Comercial", "Head of Sales"]
TITLES_OTHER = ["Marketing Manager", "Gerente de Marketing", "Sales Manager", "Analyst",
                "Software Engineer", "Designer", "Consultant", "Account Executive",
                "Student", "Intern", "Coordinator", "Specialist"]
INDUSTRIES = ["Software", "SaaS", "Financial Services", "E-commerce", "Retail", "Education",
              "Healthcare", "Manufacturing", "Consulting", "Technology"]
EMPLOYEES = ["3", "12", "45", "80", "150", "420", "900", "2500", "12000"]
PERSONAL_DOMAINS = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "uol.com.br"]
SOURCES = ["organic_search", "paid_search", "social", "email", "referral", "direct"]
PAGES = ["/", "/blog/lead-scoring-101", "/product", "/features", "/customers", "/about",
         "/blog/nurture-flows", "/integrations"]


def _leads_sql(n_leads: int, seed: int) -> str:
    d = lambda purpose: _draw("i", seed, purpose)  # noqa: E731
    p = lambda values, purpose: _pick(values, "i", seed, purpose)  # noqa: E731
    return f"""
    with base as (
        select
            i,
            {d(1)} as u_tier, {d(2)} as u_title, {d(3)} as u_personal, {d(4)} as u_phone,
            {d(5)} as u_country, {d(6)} as u_created, {d(7)} as u_gibberish,
            {p(FIRST_NAMES, 8)} as first_name, {p(LAST_NAMES, 9)} as last_name,
            {p(COMPANIES, 10)} as company, {p(TITLES_SENIOR, 11)} as title_senior,
            {p(TITLES_OTHER, 12)} as title_other, {p(INDUSTRIES, 13)} as industry,
            {p(EMPLOYEES, 14)} as employees, {p(PERSONAL_DOMAINS, 15)} as personal_domain,
            {p(SOURCES, 16)} as lead_source
        from range({n_leads}) as t(i)
    ),
    shaped as (
        select
            *,
            -- Lower lead numbers get more events (see the events), so they are the hot leads.
            i < {n_leads} * 0.1 as is_hot,
            case
                when u_country < 0.40 then 'BR' when u_country < 0.50 then 'PT'
                when u_country < 0.65 then 'ES' when u_country < 0.75 then 'RO'
                when u_country < 0.90 then 'US' when u_country < 0.95 then 'DE' else 'IN'
            end as country,
            u_gibberish < 0.02 as is_gibberish
        from base
    )
    select
        'L' || lpad(cast(i as varchar), 9, '0') as lead_id,
        case when is_gibberish then 'xkcdqwrt' || cast(i % 97 as varchar) || '@' || personal_domain
             when u_personal < 0.25 then lower(strip_accents(first_name)) || '.' || lower(strip_accents(last_name))
                 || cast(i % 1000 as varchar) || '@' || personal_domain
             else lower(strip_accents(first_name)) || '.' || lower(strip_accents(last_name)) || '@' || company || '.com'
        end as email,
        case when is_gibberish then 'Qwrtzk' else first_name end as first_name,
        case when is_gibberish then 'Asdfgh' else last_name end as last_name,
        case when u_phone < 0.6 then '+55 11 9' || lpad(cast(i % 100000000 as varchar), 8, '0') end as phone,
        case when u_title < (case when is_hot then 0.6 else 0.2 end) then title_senior else title_other end as job_title,
        upper(substr(company, 1, 1)) || substr(company, 2) || ' Ltd' as company_name,
        employees,
        industry,
        country,
        case country when 'BR' then 'SP' when 'US' then 'CA' else null end as region,
        case country when 'BR' then 'São Paulo' when 'PT' then 'Lisboa' when 'ES' then 'Madrid'
            when 'RO' then 'București' when 'US' then 'San Francisco' when 'DE' then 'Berlin' else 'Pune' end as city,
        null as postal_code,
        lead_source,
        strftime(date '{END_DATE}' - cast(floor(u_created * 400) as integer) - 1, '%Y-%m-%d') as created_at,
        strftime(date '{END_DATE}' - cast(floor(u_created * 400) as integer) + 1, '%Y-%m-%d') as updated_at
    from shaped
    order by i
    """


def _events_sql(n_leads: int, n_events: int, seed: int) -> str:
    d = lambda purpose: _draw("j", seed, purpose)  # noqa: E731
    return f"""
    with base as (
        select
            j,
            -- Skewed allocation: lead k gets events in proportion to 1/sqrt(k).
            cast(floor({n_leads} * pow({d(21)}, 2)) as bigint) as lead_number,
            {d(22)} as u_type, {d(23)} as u_page, {d(24)} as u_age, {d(25)} as u_email,
            {d(26)} as u_duration, {d(27)} as u_second
        from range({n_events}) as t(j)
    ),
    shaped as (
        select
            *,
            lead_number < {n_leads} * 0.1 as is_hot,
            cast(floor((case when lead_number < {n_leads} * 0.1 then pow(u_age, 3) else u_age end) * 365) as integer) as age_days
        from base
    ),
    typed as (
        select
            *,
            case
                when is_hot and u_type < 0.015 then 'demo_request'
                when is_hot and u_type < 0.030 then 'trial_request'
                when is_hot and u_type < 0.035 then 'quote_request'
                when is_hot and u_type < 0.040 then 'sample_request'
                when u_type < 0.600 then 'page_view'
                when u_type < 0.750 then 'email_open'
                when u_type < 0.810 then 'email_click'
                when u_type < 0.860 then 'content_download'
                when u_type < 0.890 then 'social_click'
                when u_type < 0.900 then 'social_share'
                when u_type < 0.920 then 'form_submit'
                when u_type < 0.940 then 'newsletter_signup'
                when u_type < 0.960 then 'webinar_registration'
                when u_type < 0.975 then 'webinar_attended'
                when u_type < 0.985 then 'unsubscribe'
                when u_type < 0.990 then 'email_bounce'
                else 'page_view'
            end as event_type
        from shaped
    )
    select
        'E' || lpad(cast(j as varchar), 11, '0') as event_id,
        'L' || lpad(cast(lead_number as varchar), 9, '0') as lead_id,
        event_type,
        strftime(timestamp '{END_DATE} 23:59:59' - to_days(age_days) - to_seconds(cast(u_second * 80000 as bigint)),
                 '%Y-%m-%d %H:%M:%S') as occurred_at,
        case when event_type = 'page_view' then
            case
                when u_page < (case when is_hot then 0.30 else 0.04 end) then '/pricing'
                when u_page > 0.985 then '/careers'
                else {_pick(PAGES, "j", seed, 28)}
            end
        end as url,
        case when event_type in ('email_open', 'email_click') then
            case when u_email < 0.6 then 'newsletter' else 'promotional' end
        end as email_type,
        case when event_type = 'page_view' then cast(5 + floor(u_duration * 175) as integer) end as duration_seconds,
        'S' || lpad(cast(lead_number as varchar), 9, '0') || '-' || cast(age_days as varchar) as session_id
    from typed
    """


def _conversions_sql(n_leads: int, seed: int) -> str:
    d = lambda purpose: _draw("i", seed, purpose)  # noqa: E731
    return f"""
    with base as (
        select i, {d(41)} as u_convert, {d(42)} as u_outcome, {d(6)} as u_created
        from range({n_leads}) as t(i)
    )
    select
        'L' || lpad(cast(i as varchar), 9, '0') as lead_id,
        strftime(date '{END_DATE}' - cast(floor(u_created * 300) as integer), '%Y-%m-%d') as converted_at,
        case when u_outcome < 0.7 then 'won' else 'lost' end as outcome
    from base
    where u_convert < (case when i < {n_leads} * 0.1 then 0.45 when i < {n_leads} * 0.4 then 0.08 else 0.015 end)
    """


def generate(n_leads: int, n_events: int, out_dir: Path, seed: int = 42, file_format: str = "csv",
             progress=print) -> dict[str, Path]:
    """Write leads, events and conversions files to out_dir; return their paths."""
    if n_leads < 1 or n_events < 0:
        raise ValueError("--leads must be at least 1 and --events at least 0")
    out_dir.mkdir(parents=True, exist_ok=True)
    extension = "parquet" if file_format == "parquet" else "csv"
    copy_options = "(format parquet, compression zstd)" if extension == "parquet" else "(header true)"
    paths = {name: out_dir / f"{name}.{extension}" for name in ("leads", "events", "conversions")}
    queries = {
        "leads": _leads_sql(n_leads, seed),
        "events": _events_sql(n_leads, n_events, seed),
        "conversions": _conversions_sql(n_leads, seed),
    }
    with duckdb.connect() as con:
        for name, query in queries.items():
            progress(f"generating {name} -> {paths[name]}")
            con.execute(f"copy ({query}) to '{paths[name]}' {copy_options}")
    return paths
