package io.runagents.ingress.core.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.runagents.ingress.config.load.FileReasons;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's own ES256 key for {@code X-End-User-Context}. Loaded from {@code identityContext.signingKeyFile}
 * (a JWK with its private part) when configured; otherwise generated on first start and kept in
 * {@code <dataDir>/identity-context-key.jwk} (mode 600), so agents and tools that cached the public key keep
 * verifying across restarts.
 */
public final class ContextSigningKey {
    private static final Logger log = LoggerFactory.getLogger(ContextSigningKey.class);
    static final String GENERATED_FILE = "identity-context-key.jwk";

    private final ECKey key;

    private ContextSigningKey(ECKey key) {
        this.key = key;
    }

    /** Wraps an existing P-256 private key (tests, the demo). */
    public static ContextSigningKey of(ECKey key) {
        if (!key.isPrivate() || !Curve.P_256.equals(key.getCurve())) {
            throw new IllegalArgumentException("identity context key: expected a private P-256 EC key");
        }
        return new ContextSigningKey(key);
    }

    /** A fresh key that lives only in memory. */
    public static ContextSigningKey generate() {
        try {
            return new ContextSigningKey(new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256).keyIDFromThumbprint(true).generate());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate the identity context key", e);
        }
    }

    /**
     * Loads {@code signingKeyFile} when it is set, else the key kept in {@code dataDir}, generating and
     * saving one on first start. Runs at start and on reload, never on an event loop.
     *
     * @throws IOException saying which file cannot be read, is not a private P-256 JWK, or cannot be written
     */
    public static ContextSigningKey loadOrCreate(String signingKeyFile, Path dataDir) throws IOException {
        if (signingKeyFile != null) {
            return load(Path.of(signingKeyFile));
        }
        Path file = generatedFile(dataDir);
        if (Files.exists(file)) {
            return load(file);
        }
        ContextSigningKey generated = generate();
        Files.createDirectories(dataDir);
        Path temp = Files.createTempFile(dataDir, GENERATED_FILE, ".tmp");
        try {
            restrictToOwner(temp);
            Files.writeString(temp, generated.key.toJSONString(), StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        log.info("generated the identity context signing key {} in {}", generated.keyId(), file);
        return generated;
    }

    /** Where the key generated when no {@code signingKeyFile} is configured is kept. */
    public static Path generatedFile(Path dataDir) {
        return dataDir.resolve(GENERATED_FILE);
    }

    /**
     * The key in {@code file}, a JWK with its private part on P-256; reads and changes nothing else.
     *
     * @throws IOException whose message says what is wrong, naming the file but never its contents
     */
    public static ContextSigningKey load(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot read " + file + " (" + FileReasons.of(e, file) + ")", e);
        }
        JWK jwk;
        try {
            jwk = JWK.parse(text);
        } catch (ParseException e) {
            throw new IOException(file + " is not a JWK (" + e.getMessage() + ")", e);
        }
        if (!(jwk instanceof ECKey ec) || !ec.isPrivate() || !Curve.P_256.equals(ec.getCurve())) {
            throw new IOException(file + " is not a P-256 private JWK (expected: kty EC, crv P-256, with d)");
        }
        try {
            return of(ec.getKeyID() != null ? ec : new ECKey.Builder(ec).keyIDFromThumbprint().build());
        } catch (JOSEException e) {
            throw new IOException(file + " is not a JWK (" + e.getMessage() + ")", e);
        }
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE));
        } catch (UnsupportedOperationException e) {
            log.debug("cannot restrict {} to its owner: {}", file, PosixFilePermissions.toString(Set.of()));
        }
    }

    ECKey key() {
        return key;
    }

    public String keyId() {
        return key.getKeyID();
    }

    /** The public key as a JWKS document, for {@code /identity-context/jwks.json}. */
    public String publicJwksJson() {
        return new JWKSet(key.toPublicJWK()).toString();
    }
}
