package io.runagents.ingress.core.demo.authserver;

import java.time.Instant;

/** What a valid access token stands for, as a resource server sees it. */
public record AccessGrant(String account, String clientId, String scope, Instant expiresAt) { }
