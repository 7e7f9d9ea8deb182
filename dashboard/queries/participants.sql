-- Every state and organisation.
SELECT * FROM participants ORDER BY kind <> 'organisation', name
