-- Rows loaded with verified = false, for the "what is unverified" list.
SELECT u.row_kind, u.instrument_id, i.short_name AS instrument, u.subject_id,
       coalesce(p.name, c.name, u.subject_id) AS subject, u.what::VARCHAR AS what, u.on_date, u.note, u.source_url
FROM unverified u
LEFT JOIN instruments i USING (instrument_id)
LEFT JOIN participants p ON p.participant_id = u.subject_id
LEFT JOIN companies c ON c.company_id = u.subject_id
ORDER BY u.row_kind, i.short_name, subject
