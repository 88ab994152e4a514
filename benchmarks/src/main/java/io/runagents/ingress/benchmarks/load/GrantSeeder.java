package io.runagents.ingress.benchmarks.load;

import io.runagents.ingress.tokenstore.GrantKey;
import io.runagents.ingress.tokenstore.Secret;
import io.runagents.ingress.tokenstore.TokenSet;
import io.runagents.ingress.tokenstore.TokenStoreOptions;
import io.runagents.ingress.tokenstore.jdbc.JdbcTokenStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Stores one user's grant for one {@code oauth2} tool in the SQLite token store of a proxy's {@code dataDir}, as a
 * completed consent would, so the egress load run measures calls with a cached access token and no consent dance.
 * The key ring comes from {@code RUNAGENTS_TOKEN_KEY}, as the proxy reads it; the access token lives a week.
 *
 * <pre>
 * RUNAGENTS_TOKEN_KEY=k1:... java -cp benchmarks/target/benchmarks.jar \
 *     io.runagents.ingress.benchmarks.load.GrantSeeder DATA_DIR PROVIDER USER TOOL ACCESS_TOKEN_FILE
 * </pre>
 * The access token is read from a file, not the command line, which other users of the machine can see.
 */
public final class GrantSeeder {
    private GrantSeeder() { }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: GrantSeeder DATA_DIR PROVIDER USER TOOL ACCESS_TOKEN_FILE");
            System.exit(2);
        }
        String keys = System.getenv("RUNAGENTS_TOKEN_KEY");
        if (keys == null || keys.isBlank()) {
            System.err.println("RUNAGENTS_TOKEN_KEY is not set: the proxy must read the grant with the same key");
            System.exit(2);
        }
        Path dataDir = Files.createDirectories(Path.of(args[0]));
        String accessToken = Files.readString(Path.of(args[4])).strip();
        TokenSet tokens = new TokenSet(Secret.of(accessToken), Secret.random(32),
                Instant.now().plus(Duration.ofDays(7)), List.of("files.read"));
        try (JdbcTokenStore store = JdbcTokenStore.open(TokenStoreOptions.sqlite(dataDir, Secret.of(keys)),
                Clock.systemUTC())) {
            store.replace(new GrantKey(args[1], args[2], args[3]), tokens);
        }
        System.out.println("stored a grant of " + args[2] + " (" + args[1] + ") for tool " + args[3] + " in " + dataDir);
    }
}
