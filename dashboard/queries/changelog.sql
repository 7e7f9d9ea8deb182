-- Every recorded change, newest release first; within a release the facts first (added, removed, changed,
-- verification flips), then the sources cited for the first time (the changelog is carried forward).
SELECT c.change_id, c.changed_on, c.release_version, c.table_name, c.row_key, c.change, c.field, c.old_value,
       c.new_value, c.instrument_id, c.participant_id, c.company_id, c.source_url, c.summary
FROM changelog c
ORDER BY c.changed_on DESC, CASE c.change WHEN 'new_source' THEN 1 ELSE 0 END, c.change_id DESC
