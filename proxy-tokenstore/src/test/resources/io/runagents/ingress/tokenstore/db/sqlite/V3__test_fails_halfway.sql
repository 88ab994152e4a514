-- Test only (MigrationContract): its second statement fails, so nothing of the run may stay.
CREATE TABLE test_half (x INTEGER);
CREATE TABLE grants (x INTEGER);
