-- The release's identity and headline counts.
SELECT d.version, d.as_of, d.built_at, d.source_digest, d.duckdb_version,
       (SELECT count(*) FROM instruments) AS instruments,
       (SELECT count(*) FROM instruments WHERE legally_binding) AS binding,
       (SELECT count(*) FROM instruments WHERE NOT legally_binding) AS voluntary,
       (SELECT count(DISTINCT participant_id) FROM actions) AS participants_with_actions,
       (SELECT count(*) FROM participants) AS participants,
       (SELECT count(*) FROM companies) AS companies,
       (SELECT count(DISTINCT company_id) FROM stances) AS companies_with_stances,
       (SELECT count(*) FROM stances) AS stances,
       (SELECT count(*) FROM actions) AS actions,
       (SELECT count(*) FROM events) AS events,
       (SELECT count(*) FROM actions WHERE NOT verified) + (SELECT count(*) FROM stances WHERE NOT verified) AS unverified_rows
FROM dataset d
