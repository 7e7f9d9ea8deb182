-- Every recorded change, newest first (the changelog is carried forward from release to release).
SELECT c.change_id, c.changed_on, c.release_version, c.table_name, c.row_key, c.change, c.field, c.old_value,
       c.new_value, c.instrument_id, c.participant_id, c.company_id, c.source_url, c.summary
FROM changelog c
ORDER BY c.changed_on DESC, c.change_id DESC
