package io.runagents.ingress.jwt.jwks;

import com.nimbusds.jose.jwk.RSAKey;
import io.runagents.ingress.jwt.testing.TestKeys;
import io.runagents.ingress.jwt.verify.StrictJson;
import io.runagents.ingress.jwt.verify.WycheproofTestAccess;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JwksParserTest {

    static JwksParser.Result parse(String json) throws JwksException {
        return JwksParser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    static String withGood(String badKeyJson) {
        return "{\"keys\":[" + TestKeys.rsa().toPublicJWK().toJSONString() + "," + badKeyJson + "]}";
    }

    @Test
    void usableKeysBecomeVerifiers() throws Exception {
        JwksParser.Result r = parse(TestKeys.jwks(TestKeys.rsa(), TestKeys.ec256(), TestKeys.ec384(), TestKeys.ec521()));
        assertThat(r.keys()).extracting(VerificationKey::id).containsExactly("rsa-1", "ec-256", "ec-384", "ec-521");
        assertThat(r.ignored()).isEmpty();
    }

    @Test
    void ignoresWhatSpecSaysToIgnore() throws Exception {
        String ecNoCurve = TestKeys.ec256().toPublicJWK().toJSONString();
        String offCurve = ecNoCurve.replaceFirst("\"y\":\"[^\"]+\"", "\"y\":\"" + "A".repeat(43) + "\"");
        String json = "{\"keys\":[" + String.join(",",
                TestKeys.rsa().toPublicJWK().toJSONString(),
                "{\"kty\":\"oct\",\"kid\":\"hmac\",\"k\":\"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0\"}",
                TestKeys.weakRsa().toPublicJWK().toJSONString(),
                new RSAKey.Builder(TestKeys.rsa2().toRSAPublicKey()).keyID("enc").keyUse(
                        com.nimbusds.jose.jwk.KeyUse.ENCRYPTION).build().toJSONString(),
                offCurve.replace("ec-256", "off-curve"),
                TestKeys.rsa2().toJSONString().replace("rsa-2", "private"),
                new RSAKey.Builder(TestKeys.rsa2().toRSAPublicKey()).keyID("es-alg")
                        .algorithm(com.nimbusds.jose.JWSAlgorithm.ES256).build().toJSONString(),
                "{\"kty\":\"RSA\",\"kid\":\"broken\"}",
                "42") + "]}";
        JwksParser.Result r = parse(json);
        assertThat(r.keys()).extracting(VerificationKey::id).containsExactly("rsa-1");
        assertThat(String.join("\n", r.ignored()))
                .contains("\"hmac\"", "rsa-1024\") : RSA key of 1024 bits".replace(") :", "):"),
                        "\"enc\"): use is not sig", "\"off-curve\"): unparseable", "\"private\"): carries private",
                        "\"es-alg\"): alg ES256 does not fit", "\"broken\"): unparseable", "not a JSON object");
    }

    @Test
    void statedAlgorithmNarrowsTheKey() throws Exception {
        String json = "{\"keys\":[" + new RSAKey.Builder(TestKeys.rsa().toRSAPublicKey()).keyID("k")
                .algorithm(com.nimbusds.jose.JWSAlgorithm.PS256).build().toJSONString() + "]}";
        assertThat(parse(json).keys().get(0).algorithms()).containsExactly(com.nimbusds.jose.JWSAlgorithm.PS256);
    }

    @Test
    void keyWithoutKidIsKnownByItsThumbprint() throws Exception {
        String json = "{\"keys\":[" + new RSAKey.Builder(TestKeys.rsa().toRSAPublicKey()).build().toJSONString() + "]}";
        VerificationKey key = parse(json).keys().get(0);
        assertThat(key.kid()).isNull();
        assertThat(key.id()).isEqualTo(TestKeys.rsa().computeThumbprint().toString());
    }

    @Test
    void duplicateKidsFailTheWholeSet() throws Exception {
        String json = "{\"keys\":[" + TestKeys.rsa().toPublicJWK().toJSONString() + ","
                + new RSAKey.Builder(TestKeys.rsa2().toRSAPublicKey()).keyID("rsa-1").build().toJSONString() + "]}";
        assertThatThrownBy(() -> parse(json)).isInstanceOf(JwksException.class).hasMessageContaining("duplicate kid");
    }

    @Test
    void garbageAndEmptySetsFail() {
        assertThatThrownBy(() -> parse("<html>")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> parse("{\"keys\":{}}")).hasMessageContaining("no \"keys\" array");
        assertThatThrownBy(() -> parse("[]")).hasMessageContaining("no \"keys\" array");
        assertThatThrownBy(() -> parse("{\"keys\":[]}")).hasMessageContaining("no usable signing key");
        assertThatThrownBy(() -> parse("{\"keys\":[],\"keys\":[]}")).hasMessageContaining("duplicate member");
        assertThatThrownBy(() -> parse(withGood("{\"kty\":\"oct\",\"k\":\"AA\"}").replace("rsa-1", "x") + "x"))
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void exponentOneIsIgnored() {
        String n = TestKeys.rsa().toPublicJWK().getModulus().toString();
        assertThatThrownBy(() -> parse("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"e1\",\"n\":\"" + n + "\",\"e\":\"AQ\"}]}"))
                .hasMessageContaining("exponent");
    }

    @Test
    @SuppressWarnings("unchecked")
    void rocaKeyIsIgnoredAndRandomKeysAreNot() throws Exception {
        Map<String, Object> root = (Map<String, Object>) StrictJson.parse(
                WycheproofTestAccess.vector("json_web_key_test.json"));
        Object roca = ((List<Map<String, Object>>) root.get("testGroups")).stream()
                .filter(g -> "jws_rsa_roca_key".equals(g.get("comment"))).findFirst().orElseThrow().get("public");
        assertThatThrownBy(() -> JwksParser.parse(roca)).hasMessageContaining("ROCA");
        for (int i = 0; i < 3; i++) {
            assertThat(RocaCheck.vulnerable(TestKeys.rsa("roca-control-" + i, 2048).getModulus().decodeToBigInteger()))
                    .isFalse();
        }
    }
}
