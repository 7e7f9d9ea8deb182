-- Scheduled events after the view date $as_of: application or entry-into-force dates at any view date, and any
-- event still in the future of the dataset's own as-of date (a scheduled milestone).
SELECT e.event_date, e.date_precision::VARCHAR AS date_precision, e.instrument_id, i.short_name AS instrument,
       e.kind::VARCHAR AS kind, e.title, e.verified, e.source_url
FROM events e JOIN instruments i USING (instrument_id)
WHERE e.event_date > $as_of
  AND (e.kind IN ('applies', 'in_force') OR e.event_date > (SELECT as_of FROM dataset))
ORDER BY e.event_date, i.short_name
