package io.runagents.ingress.config.model;

import java.net.URI;

/**
 * {@code consent} in {@code proxy.yaml}: per-user OAuth consent for {@code oauth2} tools (SPEC section 8).
 *
 * @param callbackUrl the public URL of the ingress's {@code GET /oauth/callback}, sent as {@code redirect_uri}
 *                    exactly as configured; null when no tool uses OAuth2
 * @param returnUrl where the browser goes back with its one-time {@code consent_code}; null shows the code on a page
 * @param stateTtlSeconds how long a started consent, its state and a pending grant live
 * @param tokenTimeoutMillis the longest wait for the tool's token endpoint (code exchange, refresh)
 */
public record ConsentSettings(URI callbackUrl, URI returnUrl, int stateTtlSeconds, int tokenTimeoutMillis) {
    /** The only path the callback may have: the ingress answers it itself. */
    public static final String CALLBACK_PATH = "/oauth/callback";
    public static final ConsentSettings DEFAULTS = new ConsentSettings(null, null, 600, 10_000);
}
