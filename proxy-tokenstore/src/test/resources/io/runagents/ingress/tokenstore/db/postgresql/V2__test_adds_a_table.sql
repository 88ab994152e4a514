-- Test only (MigrationContract): an upgrade after V1.
CREATE TABLE test_added (x INTEGER NOT NULL);
