-- Provenance of every source file.
SELECT path, table_name, rows, title, producer, licence, accessed, notes FROM source_files ORDER BY path
