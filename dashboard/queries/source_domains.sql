-- Where the facts come from: every cited source URL's host, who made the pages (source_kind), how many rows cite
-- it, and how many keep the copy that was actually read (evidence_url).
WITH urls AS (
    SELECT source_url, source_kind, evidence_url, 'actions' AS tbl FROM actions
    UNION ALL SELECT source_url, source_kind, evidence_url, 'stances' FROM stances
    UNION ALL SELECT source_url, source_kind, evidence_url, 'events' FROM events
    UNION ALL SELECT source_url, source_kind, evidence_url, 'instruments' FROM instruments
    UNION ALL SELECT source_url, source_kind, evidence_url, 'counts' FROM counts
    UNION ALL SELECT source_url, source_kind, evidence_url, 'companies' FROM companies
    UNION ALL SELECT source_url, source_kind, evidence_url, 'memberships' FROM memberships
)
SELECT regexp_extract(source_url, '^https?://(?:www\.)?([^/:?#]+)', 1) AS host,
       string_agg(DISTINCT source_kind::VARCHAR, ', ' ORDER BY source_kind::VARCHAR) AS source_kind,
       count(*) AS rows_citing,
       count(DISTINCT source_url) AS distinct_urls,
       count(evidence_url) AS rows_with_evidence_copy,
       string_agg(DISTINCT tbl, ', ' ORDER BY tbl) AS tables
FROM urls
GROUP BY host
ORDER BY rows_citing DESC, host
