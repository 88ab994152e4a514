package io.runagents.ingress.jwt.jwks;

import io.runagents.ingress.jwt.verify.StrictJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps each provider's last good JWKS under {@code dataDir/jwks/} so that a restart during an identity-provider
 * outage still serves (up to {@code maxStaleSeconds} after the original fetch). Files are replaced atomically; a
 * file whose {@code jwksUri} differs from the provider's (the provider was reconfigured) is not used.
 */
public final class JwksStore {

    private static final Logger log = LoggerFactory.getLogger(JwksStore.class);

    /** A persisted document and when it was fetched. */
    public record Persisted(Object jwks, Instant fetchedAt) {
    }

    private volatile Path dir;

    /** A store in {@code dataDir/jwks}. */
    public JwksStore(Path dataDir) {
        this.dir = dataDir.resolve("jwks");
    }

    /**
     * Saves under {@code dataDir/jwks} from now on ({@code dataDir} reloads live). Documents already saved stay
     * where they are; each provider's next good fetch is saved in the new place.
     */
    public void moveTo(Path dataDir) {
        Path next = dataDir.resolve("jwks");
        if (!next.equals(dir)) {
            log.info("persisting JWKS under {} from now on (was {})", next, dir);
            dir = next;
        }
    }

    /** The persisted JWKS of {@code provider} fetched from {@code jwksUri}, if there is a readable one. */
    public Optional<Persisted> load(String provider, URI jwksUri) {
        Path file = file(provider);
        try {
            Object json = StrictJson.parse(Files.readAllBytes(file));
            if (json instanceof Map<?, ?> m && jwksUri.toString().equals(m.get("jwksUri"))
                    && m.get("fetchedAt") instanceof Long fetchedAt && m.get("jwks") instanceof Map<?, ?> jwks) {
                return Optional.of(new Persisted(jwks, Instant.ofEpochMilli(fetchedAt)));
            }
            log.info("ignoring persisted JWKS {}: it is for another jwksUri or incomplete", file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | StrictJson.JsonException e) {
            log.warn("cannot read persisted JWKS {}: {}", file, e.toString());
        }
        return Optional.empty();
    }

    /** Replaces the persisted JWKS of {@code provider}; failures are logged, never thrown (serving goes on). */
    public void save(String provider, URI jwksUri, byte[] body, Instant fetchedAt) {
        Path file = file(provider);
        try {
            Files.createDirectories(dir);
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 256);
            out.writeBytes(("{\"jwksUri\":\"" + jsonEscape(jwksUri.toString()) + "\",\"fetchedAt\":"
                    + fetchedAt.toEpochMilli() + ",\"jwks\":").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(body); // already validated as strict JSON by the parser
            out.write('}');
            Path tmp = Files.createTempFile(dir, "jwks", ".tmp");
            try {
                Files.write(tmp, out.toByteArray());
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("cannot persist JWKS of provider {} to {}: {}", provider, file, e.toString());
        }
    }

    /** Where {@code provider}'s JWKS is kept. */
    public Path file(String provider) {
        // Names are validated DNS labels; replacing anything else still keeps a bad name inside dir.
        return dir.resolve(provider.replaceAll("[^A-Za-z0-9_-]", "_") + ".json");
    }

    private static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
