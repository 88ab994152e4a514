package io.runagents.ingress.tokenstore;

/**
 * Which grants the admin view lists; a null field matches every value.
 *
 * @param provider only this identity provider's grants, or null
 * @param userId only this user's grants, or null
 * @param tool only grants for this tool, or null
 * @param limit at most this many rows, ordered by provider, user and tool
 */
public record GrantQuery(String provider, String userId, String tool, int limit) {
    public GrantQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
        }
    }

    /** Every grant, up to {@code limit}. */
    public static GrantQuery all(int limit) {
        return new GrantQuery(null, null, null, limit);
    }
}
