package io.runagents.ingress.core.testing;

import io.runagents.ingress.config.model.IdentityContextSettings;
import io.runagents.ingress.core.identity.ContextSigningKey;
import io.runagents.ingress.core.identity.IdentityContextSigner;
import io.runagents.ingress.jwt.AuthResult;
import java.time.Clock;

/** Identity contexts as the ingress signs them, for tests that call the egress directly. */
public final class TestContexts {
    private TestContexts() {
    }

    /** A context for {@code user} calling from {@code agent}, signed now with the default issuer and a 300 s ttl. */
    public static String sign(ContextSigningKey key, AuthResult.Authenticated user, String agent) {
        return sign(key, Clock.systemUTC(), user, agent);
    }

    /** The same, signed at {@code clock}'s time. */
    public static String sign(ContextSigningKey key, Clock clock, AuthResult.Authenticated user, String agent) {
        return new IdentityContextSigner(key, clock).sign(user, agent, IdentityContextSettings.DEFAULT_ISSUER, 300, 60)
                .headerValue().toString();
    }
}
