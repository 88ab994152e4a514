package io.runagents.ingress.benchmarks.load;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.testing.TestTokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Writes what the load comparison's peers need to check one identity: a fresh RSA 2048 key's public half as
 * {@code jwks.json} (for this proxy) and {@code pubkey.pem} (for HAProxy's {@code jwt_verify}), the private
 * key as {@code key.pem} (PKCS#8), and {@code token.txt}, an RS256 token valid for a week.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.runagents.ingress.benchmarks.load.BenchCredentials DIR</pre>
 */
public final class BenchCredentials {
    /** The issuer and audience the generated configurations check. */
    public static final String ISSUER = "https://idp.bench.test";
    public static final String AUDIENCE = "bench.example.test";
    public static final String USER = "alice@company.com";

    private BenchCredentials() { }

    public static void main(String[] args) throws IOException, JOSEException {
        if (args.length != 1) {
            System.err.println("usage: BenchCredentials DIR");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        RSAKey key = new RSAKeyGenerator(2048).keyID("bench-1").keyUse(KeyUse.SIGNATURE).generate();
        Files.writeString(dir.resolve("jwks.json"), TestKeys.jwks(key));
        Files.writeString(dir.resolve("pubkey.pem"), pem("PUBLIC KEY", key.toPublicKey().getEncoded()));
        Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", key.toPrivateKey().getEncoded()));
        Instant now = Instant.now();
        String token = TestTokens.signedBy(key).at(now)
                .claim("iss", ISSUER)
                .claim("aud", AUDIENCE)
                .claim("email", USER)
                .claim("groups", List.of("engineering"))
                .claim("exp", now.plus(Duration.ofDays(7)).getEpochSecond())
                .sign();
        Files.writeString(dir.resolve("token.txt"), token + "\n");
        System.out.println("wrote jwks.json, pubkey.pem, key.pem, token.txt to " + dir);
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
