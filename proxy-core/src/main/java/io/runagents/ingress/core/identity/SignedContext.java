package io.runagents.ingress.core.identity;

import io.netty.util.AsciiString;

/**
 * One signed {@code X-End-User-Context}, kept with the verified token it was signed for (per agent) and
 * forwarded as it is until {@link #reusableAt} says no.
 *
 * @param headerValue the compact JWS as the bytes of the header value
 * @param id its {@code jti}, which the audit lines of the ingress and the egress name as {@code context_id}
 * @param keyId the key that signed it: a rotation stops its reuse
 * @param issuer its {@code iss}: a reload to another issuer stops its reuse, since the egress then requires the new one
 * @param reuseUntilMillis a fifth of the lifetime after signing (or its {@code exp}, if sooner): after that a new
 *                         one is signed, so a forwarded context always has most of its life left
 * @param expiresAtMillis its {@code exp}
 */
public record SignedContext(AsciiString headerValue, String id, String keyId, String issuer, long reuseUntilMillis,
                            long expiresAtMillis) {
    /**
     * Whether this context may still be forwarded at {@code nowMillis} by a keyring that signs with
     * {@code signingKeyId} as {@code currentIssuer}: only what it would sign itself is forwarded again.
     */
    public boolean reusableAt(long nowMillis, String signingKeyId, String currentIssuer) {
        return nowMillis < reuseUntilMillis && keyId.equals(signingKeyId) && issuer.equals(currentIssuer);
    }

    @Override
    public String toString() {
        return "SignedContext[id=" + id + ", keyId=" + keyId + "]"; // the value itself is a credential
    }
}
