package io.runagents.ingress.core.demo.authserver;

import io.runagents.ingress.core.http.FormEncoding;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link OAuthAuthority#check} made of an authorization request: valid and waiting for the user's answer
 * ({@link AuthorizationRequest}), wrong in a way the client is told through its redirect URI ({@link Rejected}),
 * or refused outright because the client or its redirect URI is unknown, where redirecting would make this
 * server an open redirector ({@link Refused}, RFC 6749 section 4.1.2.1).
 */
public sealed interface AuthorizationCheck permits AuthorizationRequest, AuthorizationCheck.Rejected,
        AuthorizationCheck.Refused {

    /** Unknown client or redirect URI: answer the browser with an error page, never a redirect. */
    record Refused(String reason) implements AuthorizationCheck { }

    /** A request of a known client to a registered URI that is wrong otherwise: redirect with the error. */
    record Rejected(String redirectUri, String state, String error, String description) implements AuthorizationCheck {
        /** The redirect, with {@code iss} (RFC 9207) when {@code issuer} is not null. */
        public URI location(String issuer) {
            Map<String, String> answer = new LinkedHashMap<>();
            answer.put("error", error);
            answer.put("error_description", description);
            return redirect(redirectUri, answer, state, issuer);
        }
    }

    /**
     * {@code redirectUri} with the answer's parameters, {@code state} and {@code iss} (each when not null)
     * appended to its query.
     */
    static URI redirect(String redirectUri, Map<String, String> answer, String state, String issuer) {
        Map<String, String> params = new LinkedHashMap<>(answer);
        if (state != null) {
            params.put("state", state);
        }
        if (issuer != null) {
            params.put("iss", issuer);
        }
        return URI.create(FormEncoding.withQuery(redirectUri, params));
    }
}
