package io.runagents.ingress.core.consent;

import io.runagents.ingress.config.model.ConfigSnapshot;
import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.core.audit.AuditRecord.Decision;
import io.runagents.ingress.tokenstore.Grant;
import io.runagents.ingress.tokenstore.GrantInfo;
import io.runagents.ingress.tokenstore.GrantKey;
import io.runagents.ingress.tokenstore.GrantQuery;
import io.runagents.ingress.tokenstore.Lookup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Listing and revoking grants (SPEC section 8, step 5): a user's own through {@code /oauth/grants}, anyone's through
 * the admin API. A revoke deletes the grant, then revokes its refresh token upstream (RFC 7009, best effort within
 * 3 s): deleting first means no replica can refresh it meanwhile, and other replicas stop serving its cached
 * access token at their next re-check (at most 5 s).
 */
public final class GrantManagement {
    /** The most grants one listing returns. */
    public static final int MAX_LISTED = 1000;

    private final StoreAccess store;
    private final UpstreamRevocation revocation;
    private final ConsentAudit audit;
    private final GrantTokens tokens;

    GrantManagement(StoreAccess store, UpstreamRevocation revocation, ConsentAudit audit, GrantTokens tokens) {
        this.store = store;
        this.revocation = revocation;
        this.audit = audit;
        this.tokens = tokens;
    }

    /** The grants of one user of one provider: metadata only. */
    public CompletableFuture<List<GrantInfo>> grantsOf(String provider, String userId) {
        return store.call("list_grants", s -> s.grantsOf(provider, userId));
    }

    /** The operators' view. */
    public CompletableFuture<List<GrantInfo>> list(GrantQuery query) {
        return store.call("list_grants", s -> s.listGrants(query));
    }

    /** What a revoke did. */
    public record Revoked(GrantKey key, boolean upstream) {
    }

    /**
     * Revokes the grant of {@code key}; empty when there was none. {@code upstream} says whether the tool's
     * revocation endpoint confirmed it (false without one, or when the stored tokens could not be decrypted).
     */
    public CompletableFuture<List<Revoked>> revoke(GrantKey key, ConfigSnapshot config, ConsentAudit.Cause cause) {
        return store.call("revoke_grant", s -> s.delete(key)).thenCompose(deleted -> {
            if (deleted instanceof Lookup.None) {
                return CompletableFuture.completedFuture(List.of());
            }
            return revoked(key, deleted, config, cause).thenApply(List::of);
        });
    }

    /**
     * Revokes every grant for {@code tool} of {@code userId} ({@code provider} null: at every provider), as an
     * operator does when a person leaves.
     */
    public CompletableFuture<List<Revoked>> revokeAll(String provider, String userId, String tool,
                                                     ConfigSnapshot config, ConsentAudit.Cause cause) {
        return list(new GrantQuery(provider, userId, tool, MAX_LISTED)).thenCompose(grants -> {
            List<CompletableFuture<List<Revoked>>> each = new ArrayList<>();
            for (GrantInfo grant : grants) {
                each.add(revoke(grant.key(), config, cause));
            }
            return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
                List<Revoked> all = new ArrayList<>();
                each.forEach(f -> all.addAll(f.join()));
                return all;
            });
        });
    }

    private CompletableFuture<Revoked> revoked(GrantKey key, Lookup<Grant> deleted, ConfigSnapshot config,
                                               ConsentAudit.Cause cause) {
        tokens.forget(key);
        audit.event(Decision.REVOKED, key, cause, 200, null);
        audit.metrics().consent(key.tool(), "revoked");
        if (!(deleted instanceof Lookup.Found<Grant> found)) {
            return CompletableFuture.completedFuture(new Revoked(key, false));
        }
        ToolAuth.OAuth2 auth = ConsentFlow.oauth2(config, key.tool());
        Grant grant = found.value();
        return revocation.revoke(auth, grant.accessToken(), grant.refreshToken())
                .thenApply(upstream -> new Revoked(key, upstream));
    }
}
