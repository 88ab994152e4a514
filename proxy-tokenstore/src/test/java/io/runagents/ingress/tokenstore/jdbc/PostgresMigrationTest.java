package io.runagents.ingress.tokenstore.jdbc;

import io.runagents.ingress.tokenstore.testing.Backend;

import java.nio.file.Path;

class PostgresMigrationTest extends MigrationContract {
    @Override
    Backend newBackend(Path dataDir) {
        return Backend.postgresql(dataDir);
    }
}
