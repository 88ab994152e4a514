package io.runagents.ingress.jwt;

import java.time.Instant;

/**
 * A provider's key state for {@code /readyz}, metrics and {@code identity-providers list}.
 *
 * @param keys the number of usable keys now (0 when none were ever loaded or the last good set is too stale)
 * @param lastFetchAttempt when the last fetch started, or null before the first
 * @param lastSuccess when the key set in use was fetched (possibly by an earlier process, from the persisted copy)
 * @param lastError the last fetch's error, or null when it succeeded
 * @param ready true when tokens of this provider can be verified now
 */
public record ProviderState(String provider, int keys, Instant lastFetchAttempt, Instant lastSuccess,
                            String lastError, boolean ready) {
}
