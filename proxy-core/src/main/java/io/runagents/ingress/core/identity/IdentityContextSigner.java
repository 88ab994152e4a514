package io.runagents.ingress.core.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.util.Base64URL;
import io.runagents.ingress.core.http.Json;
import io.runagents.ingress.jwt.AuthResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * Signs {@code X-End-User-Context} (SPEC section 6): a compact ES256 JWS with {@code sub}, {@code email},
 * {@code groups}, {@code idp}, {@code rid}, {@code iat} and {@code exp}. The header is encoded once; the
 * claims are written directly as JSON, so a request costs one ECDSA signature and no JSON library.
 */
public final class IdentityContextSigner {
    private static final java.util.Base64.Encoder BASE64URL = java.util.Base64.getUrlEncoder().withoutPadding();

    private final ContextSigningKey key;
    private final ECDSASigner signer;
    private final JWSHeader header;
    private final String encodedHeader;
    private final Clock clock;

    public IdentityContextSigner(ContextSigningKey key, Clock clock) {
        this.key = key;
        this.clock = clock;
        try {
            // Native when available (EcdsaProviders): this signature dominates an authenticated request's cost.
            this.signer = EcdsaProviders.signer(key.key());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("identity context key unusable: " + e.getMessage(), e);
        }
        this.header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).keyID(key.keyId()).build();
        this.encodedHeader = header.toBase64URL().toString();
    }

    /**
     * The context for {@code user} on request {@code requestId}; it expires after {@code ttlSeconds}, and never
     * after the user's own token.
     */
    public String sign(AuthResult.Authenticated user, String requestId, int ttlSeconds) {
        long now = clock.millis() / 1000;
        long exp = Math.min(now + ttlSeconds, user.expiresAt().getEpochSecond());
        StringBuilder json = new StringBuilder(160);
        json.append("{\"sub\":");
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
        json.append(",\"rid\":");
        Json.appendString(json, requestId);
        json.append(",\"iat\":").append(now).append(",\"exp\":").append(exp).append('}');
        // The JDK's encoder (an intrinsic) costs a fraction of Nimbus's general-purpose one, per request.
        String signingInput = encodedHeader + '.' + BASE64URL.encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Base64URL signature = signer.sign(header, signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + '.' + signature;
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign identity context", e);
        }
    }

    public ContextSigningKey key() {
        return key;
    }
}
