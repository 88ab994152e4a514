package io.runagents.ingress.benchmarks;

import io.netty.util.AsciiString;
import io.runagents.ingress.core.identity.ContextKeyring;
import io.runagents.ingress.core.identity.ContextSigningKey;
import io.runagents.ingress.core.identity.IdentityContextSigner;
import io.runagents.ingress.core.identity.SignedContext;
import io.runagents.ingress.jwt.AuthResult;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the {@code X-End-User-Context} header costs (SPEC section 6). {@code signFresh} is one ES256 signature,
 * paid once per verified token and agent every fifth of {@code ttlSeconds}; {@code contextForCachedToken} is
 * what every other request of that token pays: the context kept with the verified token, looked up.
 *
 * <p>{@code hmacSameInput}, for comparison: the same signing input authenticated with HMAC-SHA256 in the JDK
 * (what an HS256 context shared with the egress would cost per signature).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class ContextSignatureBenchmark {
    private IdentityContextSigner signer;
    private ContextKeyring keyring;
    private AuthResult.Authenticated user;
    private Mac hmac;
    private byte[] signingInput;

    @Setup
    public void setUp() throws Exception {
        ContextSigningKey key = ContextSigningKey.generate();
        signer = new IdentityContextSigner(key, Clock.systemUTC());
        keyring = new ContextKeyring(key, Clock.systemUTC());
        user = new AuthResult.Authenticated("alice@example.com", "alice@example.com", List.of("engineering"), List.of(),
                "bench", Instant.now().plusSeconds(86_400), Map.of(), "kid-1");
        String context = signer.sign(user, "assistant", "runagents", 300, 60).headerValue().toString();
        signingInput = context.substring(0, context.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(secret, "HmacSHA256"));
    }

    /** A new context: claims, base64url, SHA-256 and the native ECDSA signature (a new jti each time). */
    @Benchmark
    public SignedContext signFresh() {
        return signer.sign(user, "assistant", "runagents", 300, 60);
    }

    /** The context of a token already verified and signed for this agent: the header value, no signature. */
    @Benchmark
    public AsciiString contextForCachedToken() {
        return keyring.contextFor(user, "assistant", 60).headerValue();
    }

    /** HMAC-SHA256 over the same signing input: what an HS256 context would cost instead. */
    @Benchmark
    public byte[] hmacSameInput() {
        return hmac.doFinal(signingInput);
    }
}
