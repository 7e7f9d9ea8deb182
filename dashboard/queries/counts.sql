-- Participant counts reported by an authoritative source, newest first per instrument.
SELECT c.instrument_id, c.reported_count, c.count_is_approx, c.noun::VARCHAR AS noun, c.list_complete,
       c.as_reported_on, c.source_url, c.source_kind::VARCHAR AS source_kind, c.verified, c.note
FROM counts c
ORDER BY c.instrument_id, c.as_reported_on DESC
