package io.runagents.ingress.jwt.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.opts.AllowWeakRSAKey;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import io.runagents.ingress.config.model.IdentityProvider;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mints tokens for tests: well-formed ones by default, and, through raw header and claims text, every broken form
 * the attack corpus needs (duplicate members, odd types, any {@code alg}). Also makes provider records.
 */
public final class TestTokens {

    public static final String ISSUER = "https://idp.example.test";
    public static final String AUDIENCE = "portal.example.test";
    public static final String USER = "alice@company.com";

    private TestTokens() {
    }

    /** A builder for a token signed by {@code key} with its default algorithm. */
    public static Builder signedBy(JWK key) {
        return new Builder(key);
    }

    /** A provider named {@code name} checking {@link #ISSUER} and {@link #AUDIENCE}, user id from {@code email}. */
    public static IdentityProvider provider(String name, URI jwksUri) {
        return provider(name, jwksUri, List.of());
    }

    /** Like {@link #provider(String, URI)} with an allowed-domain list. */
    public static IdentityProvider provider(String name, URI jwksUri, List<String> allowedDomains) {
        return new IdentityProvider(name, "portal.example.test", ISSUER, jwksUri, List.of(AUDIENCE),
                IdentityProvider.DEFAULT_ALGORITHMS, IdentityProvider.DEFAULT_CLOCK_SKEW_SECONDS, null, "email",
                allowedDomains, IdentityProvider.DEFAULT_GROUPS_CLAIM, false, Map.of("department", "X-Department"));
    }

    /** Unpadded base64url of UTF-8 text. */
    public static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Unpadded base64url of bytes. */
    public static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** {@code header.payload.signature} from raw JSON texts and an already encoded signature. */
    public static String assemble(String headerJson, String claimsJson, String signature) {
        return b64(headerJson) + "." + b64(claimsJson) + "." + signature;
    }

    /** An HS256 token over raw texts with {@code secret} (for key-confusion attacks). */
    public static String hmac(byte[] secret, String headerJson, String claimsJson) {
        try {
            String input = b64(headerJson) + "." + b64(claimsJson);
            JWSSigner signer = new MACSigner(secret);
            return input + "." + signer.sign(new JWSHeader(JWSAlgorithm.HS256), input.getBytes(StandardCharsets.US_ASCII));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs {@code base64(header).base64(claims)} with {@code key} using {@code alg}. */
    public static String sign(JWK key, JWSAlgorithm alg, String headerJson, String claimsJson) {
        return signEncoded(key, alg, b64(headerJson) + "." + b64(claimsJson));
    }

    /** Signs an already encoded signing input. */
    public static String signEncoded(JWK key, JWSAlgorithm alg, String signingInput) {
        try {
            JWSSigner signer = key instanceof ECKey ec ? new ECDSASigner(ec)
                    : new RSASSASigner(((RSAKey) key).toPrivateKey(), java.util.Set.of(AllowWeakRSAKey.getInstance()));
            return signingInput + "." + signer.sign(new JWSHeader(alg), signingInput.getBytes(StandardCharsets.US_ASCII));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Builds header and claims as ordered maps; raw texts override them. */
    public static final class Builder {
        private final JWK key;
        private JWSAlgorithm alg;
        private final Map<String, Object> header = new LinkedHashMap<>();
        private final Map<String, Object> claims = new LinkedHashMap<>();
        private String rawHeader;
        private String rawClaims;

        private Builder(JWK key) {
            this.key = key;
            this.alg = TestKeys.defaultAlgorithm(key);
            header.put("alg", alg.getName());
            header.put("typ", "JWT");
            if (key.getKeyID() != null) {
                header.put("kid", key.getKeyID());
            }
            at(Instant.now());
            claims.put("iss", ISSUER);
            claims.put("aud", AUDIENCE);
            claims.put("sub", "user-123");
            claims.put("email", USER);
            claims.put("groups", List.of("engineering", "staff"));
        }

        /** Sets {@code iat} to {@code now} and {@code exp} to an hour later. */
        public Builder at(Instant now) {
            claims.put("iat", now.getEpochSecond());
            claims.put("exp", now.plus(Duration.ofHours(1)).getEpochSecond());
            return this;
        }

        /** The signature algorithm (header {@code alg} too). */
        public Builder alg(JWSAlgorithm alg) {
            this.alg = alg;
            header.put("alg", alg.getName());
            return this;
        }

        /** Sets a header parameter; null removes it. */
        public Builder header(String name, Object value) {
            put(header, name, value);
            return this;
        }

        /** Sets a claim; null removes it ({@link Json.Raw} writes raw JSON, e.g. {@code null}). */
        public Builder claim(String name, Object value) {
            put(claims, name, value);
            return this;
        }

        /** Replaces the header JSON text entirely. */
        public Builder rawHeader(String json) {
            this.rawHeader = json;
            return this;
        }

        /** Replaces the claims JSON text entirely. */
        public Builder rawClaims(String json) {
            this.rawClaims = json;
            return this;
        }

        /** The claims JSON text this builder would sign. */
        public String claimsJson() {
            return rawClaims != null ? rawClaims : Json.write(claims);
        }

        /** The header JSON text this builder would sign. */
        public String headerJson() {
            return rawHeader != null ? rawHeader : Json.write(header);
        }

        /** The signed compact token. */
        public String sign() {
            return TestTokens.sign(key, alg, headerJson(), claimsJson());
        }

        private static void put(Map<String, Object> map, String name, Object value) {
            if (value == null) {
                map.remove(name);
            } else {
                map.put(name, value);
            }
        }
    }
}
