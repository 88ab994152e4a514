package io.runagents.ingress.tokenstore;

import java.util.Objects;
import java.util.Set;

/**
 * What {@code /readyz} shows of the token store. An unreachable store does not fail readiness (other traffic needs
 * no store); it only fails the calls that need it.
 *
 * @param backend {@code sqlite} or {@code postgresql}
 * @param reachable whether a connection could be had and answered just now
 * @param error why not, when unreachable (no credentials, no URL query), else null
 * @param writeKeyId the id of the key new ciphertexts are written with
 * @param missingKeyIds key ids that stored rows name and the key ring lacks (their grants answer 503
 *                      {@code token_key_missing}), sorted
 */
public record StoreHealth(String backend, boolean reachable, String error, String writeKeyId,
                          Set<String> missingKeyIds) {
    public StoreHealth {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(writeKeyId, "writeKeyId");
        missingKeyIds = Set.copyOf(missingKeyIds);
    }
}
