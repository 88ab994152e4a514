package io.runagents.ingress.jwt.verify;

import io.runagents.ingress.config.model.IdentityProvider;
import io.runagents.ingress.jwt.jwks.JwksException;
import io.runagents.ingress.jwt.jwks.JwksParser;
import io.runagents.ingress.jwt.jwks.JwksSnapshot;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Project Wycheproof's JWS and JWK vectors through the production key handling ({@link JwksParser}) and
 * verification ({@link JwsVerifier}) with the default algorithm list. A case either agrees with its {@code result}
 * or is suppressed below with the reason our policy is stricter; a suppressed case that starts agreeing fails the
 * test, so the lists only shrink.
 */
class WycheproofTest {

    private static final String HMAC = "HMAC: a JWKS oct key is never used (SPEC section 3)";
    private static final String EMPTY_PAYLOAD =
            "empty payload segment: SPEC's strict compact form requires three non-empty segments";
    private static final String KEY_ALG =
            "the JWK states alg PS256 and the token PS384: a stated key alg binds the key (RFC 7517 section 4.4)";
    private static final String ES521 = "the JWK states alg ES521, which is no JWS algorithm: the key is ignored";

    /** json_web_signature_test.json cases we refuse although Wycheproof calls them valid. */
    static final Map<Integer, String> SIGNATURE_SUPPRESSIONS = new TreeMap<>(Map.ofEntries(
            Map.entry(1, HMAC), Map.entry(348, HMAC), Map.entry(352, HMAC), Map.entry(357, HMAC),
            Map.entry(358, HMAC), Map.entry(359, HMAC), Map.entry(372, HMAC), Map.entry(373, HMAC),
            Map.entry(376, HMAC), Map.entry(377, HMAC),
            Map.entry(259, EMPTY_PAYLOAD), Map.entry(264, EMPTY_PAYLOAD), Map.entry(268, EMPTY_PAYLOAD),
            Map.entry(272, EMPTY_PAYLOAD), Map.entry(320, EMPTY_PAYLOAD), Map.entry(325, EMPTY_PAYLOAD),
            Map.entry(346, KEY_ALG), Map.entry(350, KEY_ALG),
            Map.entry(347, ES521), Map.entry(351, ES521)));

    /** json_web_key_test.json cases we refuse although Wycheproof calls them valid. */
    static final Map<Integer, String> KEY_SUPPRESSIONS = new TreeMap<>(Map.ofEntries(
            Map.entry(2, HMAC), Map.entry(13, HMAC), Map.entry(14, HMAC), Map.entry(15, HMAC)));

    private final JwsVerifier verifier = new JwsVerifier(IdentityProvider.DEFAULT_ALGORITHMS);

    @Test
    void jsonWebSignatureVectors() throws Exception {
        Map<String, Object> file = load("json_web_signature_test.json");
        List<String> problems = new ArrayList<>();
        int cases = 0;
        for (Map<String, Object> group : list(file.get("testGroups"))) {
            JwksSnapshot keys = group.get("public") instanceof Map<?, ?> pub
                    ? snapshot(Map.of("keys", List.of(pub))) : JwksSnapshot.EMPTY;
            for (Map<String, Object> test : list(group.get("tests"))) {
                cases++;
                check(test, keys, SIGNATURE_SUPPRESSIONS, problems);
            }
        }
        assertThat(cases).isEqualTo(401);
        assertThat(problems).as("Wycheproof JWS disagreements").isEmpty();
    }

    @Test
    void jsonWebKeyVectors() throws Exception {
        Map<String, Object> file = load("json_web_key_test.json");
        List<String> problems = new ArrayList<>();
        int cases = 0;
        for (Map<String, Object> group : list(file.get("testGroups"))) {
            // The public set when there is one; otherwise the set as given (its private keys must not be used).
            Object jwks = group.containsKey("public") ? group.get("public") : group.get("private");
            JwksSnapshot keys = snapshot(jwks);
            for (Map<String, Object> test : list(group.get("tests"))) {
                cases++;
                check(test, keys, KEY_SUPPRESSIONS, problems);
            }
        }
        assertThat(cases).isEqualTo(26);
        assertThat(problems).as("Wycheproof JWK disagreements").isEmpty();
    }

    private void check(Map<String, Object> test, JwksSnapshot keys, Map<Integer, String> suppressions,
                       List<String> problems) {
        int id = ((Long) test.get("tcId")).intValue();
        boolean valid = "valid".equals(test.get("result"));
        // JSON-serialized cases are objects, not strings: only the compact form is ever accepted.
        boolean accepted = test.get("jws") instanceof String jws
                && verifier.verify(jws, keys) instanceof JwsVerifier.Verified;
        String label = "tcId " + id + " (" + test.get("comment") + ")";
        if (suppressions.containsKey(id)) {
            if (accepted == valid) {
                problems.add(label + " is suppressed but now agrees: remove it from the list");
            }
        } else if (accepted != valid) {
            problems.add(label + ": expected " + test.get("result") + " but was " + (accepted ? "accepted" : "refused"));
        }
    }

    private static JwksSnapshot snapshot(Object jwks) {
        try {
            Instant now = Instant.now();
            return new JwksSnapshot(JwksParser.parse(jwks).keys(), now, now, now.plusSeconds(3600));
        } catch (JwksException e) {
            return JwksSnapshot.EMPTY; // the set is refused as a whole
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load(String name) throws IOException, StrictJson.JsonException {
        return (Map<String, Object>) StrictJson.parse(vector(name));
    }

    /**
     * One of the vector files kept in this module's test resources ({@code wycheproof/SOURCE.md} says where they
     * come from), read from the classpath so that the test needs nothing outside the repository.
     */
    static byte[] vector(String name) throws IOException {
        try (InputStream in = WycheproofTest.class.getResourceAsStream("/wycheproof/" + name)) {
            if (in == null) {
                return fail("Wycheproof vector " + name + " is not on the test classpath (expected under "
                        + "proxy-jwt/src/test/resources/wycheproof/)");
            }
            return in.readAllBytes();
        }
    }
}
