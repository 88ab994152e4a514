package io.runagents.ingress.core.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.impl.ECDSA;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import io.runagents.ingress.core.http.Json;
import io.runagents.ingress.core.http.RequestIds;
import io.runagents.ingress.jwt.AuthResult;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.List;

/**
 * Signs {@code X-End-User-Context} (SPEC section 6): a compact ES256 JWS with {@code iss}, {@code aud} (the
 * agent), {@code sub}, {@code email}, {@code groups}, {@code idp}, {@code scope}, {@code jti}, {@code iat} and
 * {@code exp}. One is signed per verified token and agent ({@link ContextKeyring#contextFor}), so a signature
 * is paid once per token and agent, not per request. Signing costs one ECDSA signature and little else: the
 * header is encoded once, the claims are written directly as JSON, each thread keeps one SHA-256 digest and
 * one initialised ECDSA {@link Signature} (a JCA lookup and a {@code SecureRandom} per signature cost about
 * 2 µs), and the value is built as ASCII bytes the HTTP encoder copies as they are.
 */
public final class IdentityContextSigner {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    /** ES256's JWS signature: r and s, 32 bytes each (RFC 7518 section 3.4). */
    private static final int SIGNATURE_BYTES = 64;
    /** A context is forwarded for at most this fraction of its lifetime after signing (SPEC section 6: a fifth). */
    private static final int REUSE_FRACTION = 5;

    private final ContextSigningKey key;
    private final EcdsaProviders.SigningKey signingKey;
    private final FastThreadLocal<DigestSigner> signers;
    private final byte[] encodedHeader;
    private final Clock clock;

    public IdentityContextSigner(ContextSigningKey key, Clock clock) {
        // Native when available (EcdsaProviders): this signature dominates an authenticated request's cost.
        this(key, clock, signingKeyOf(key));
    }

    /** With a given provider and key (tests: the JDK's provider, which the native one otherwise hides). */
    IdentityContextSigner(ContextSigningKey key, Clock clock, EcdsaProviders.SigningKey signingKey) {
        this.key = key;
        this.clock = clock;
        this.signingKey = signingKey;
        this.signers = new FastThreadLocal<>() {
            @Override
            protected DigestSigner initialValue() throws GeneralSecurityException {
                return new DigestSigner(MessageDigest.getInstance("SHA-256"), signingKey.newDigestSignature());
            }
        };
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).keyID(key.keyId()).build();
        this.encodedHeader = header.toBase64URL().toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static EcdsaProviders.SigningKey signingKeyOf(ContextSigningKey key) {
        try {
            return EcdsaProviders.signingKey(key.key());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("identity context key unusable: " + e.getMessage(), e);
        }
    }

    /**
     * A new context for {@code user} calling {@code agent}: it lives {@code ttlSeconds}, and never past the user's
     * own token's {@code exp} plus {@code clockSkewSeconds} (the provider's, within which that token is still
     * accepted).
     */
    public SignedContext sign(AuthResult.Authenticated user, String agent, String issuer, int ttlSeconds,
                              int clockSkewSeconds) {
        long nowMillis = clock.millis();
        long now = nowMillis / 1000;
        long exp = Math.min(now + ttlSeconds, user.expiresAt().getEpochSecond() + clockSkewSeconds);
        String id = RequestIds.generate();
        byte[] payload = BASE64URL.encode(claims(user, agent, issuer, id, now, exp).getBytes(StandardCharsets.UTF_8));
        int signingInputLength = encodedHeader.length + 1 + payload.length;
        byte[] jws = new byte[signingInputLength + 1 + (SIGNATURE_BYTES * 4 + 2) / 3];
        System.arraycopy(encodedHeader, 0, jws, 0, encodedHeader.length);
        jws[encodedHeader.length] = '.';
        System.arraycopy(payload, 0, jws, encodedHeader.length + 1, payload.length);
        byte[] signature = BASE64URL.encode(signatureOf(jws, signingInputLength));
        jws[signingInputLength] = '.';
        System.arraycopy(signature, 0, jws, signingInputLength + 1, signature.length);
        long reuseUntil = Math.min(nowMillis + ttlSeconds * 1000L / REUSE_FRACTION, exp * 1000L);
        return new SignedContext(new AsciiString(jws, false), id, key.keyId(), issuer, reuseUntil, exp * 1000L);
    }

    private static String claims(AuthResult.Authenticated user, String agent, String issuer, String id, long now,
                                 long exp) {
        StringBuilder json = new StringBuilder(256);
        json.append("{\"iss\":");
        Json.appendString(json, issuer);
        json.append(",\"aud\":");
        Json.appendString(json, agent);
        json.append(",\"sub\":");
        Json.appendString(json, user.userId());
        if (user.email() != null) {
            json.append(",\"email\":");
            Json.appendString(json, user.email());
        }
        json.append(",\"groups\":[");
        List<String> groups = user.groups();
        for (int i = 0; i < groups.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            Json.appendString(json, groups.get(i));
        }
        json.append("],\"idp\":");
        Json.appendString(json, user.provider());
        if (!user.scopes().isEmpty()) {
            json.append(",\"scope\":");
            Json.appendString(json, String.join(" ", user.scopes()));
        }
        json.append(",\"jti\":");
        Json.appendString(json, id);
        json.append(",\"iat\":").append(now).append(",\"exp\":").append(exp).append('}');
        return json.toString();
    }

    /** The JWS signature (r || s) of the first {@code length} bytes of {@code signingInput}. */
    private byte[] signatureOf(byte[] signingInput, int length) {
        DigestSigner signer = signers.get();
        try {
            signer.sha256().update(signingInput, 0, length);
            signer.ecdsa().update(signer.sha256().digest());
            return ECDSA.transcodeSignatureToConcat(signer.ecdsa().sign(), SIGNATURE_BYTES);
        } catch (GeneralSecurityException | JOSEException | RuntimeException e) {
            // The objects' state after a failure is unspecified: this thread starts afresh next time.
            signers.remove();
            throw new IllegalStateException("cannot sign identity context", e);
        }
    }

    /** One thread's SHA-256 and ECDSA-over-a-digest (together: ES256), reused for every signature. */
    private record DigestSigner(MessageDigest sha256, Signature ecdsa) { }

    public ContextSigningKey key() {
        return key;
    }
}
