package io.runagents.ingress.core.consent;

import io.runagents.ingress.config.model.ToolAuth;
import io.runagents.ingress.core.http.FormEncoding;
import io.runagents.ingress.tokenstore.PendingConsent;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** The URLs of a consent (SPEC section 8): the authorization request, and where the browser goes back. */
final class ConsentUrls {
    private ConsentUrls() {
    }

    /**
     * The authorization URL of {@code consent} for {@code auth}: built from the tool's configuration now, so a
     * reused pending consent names the tool's current endpoint and scopes, and {@code redirect_uri} is
     * {@code consent.callbackUrl} exactly as configured, never anything a request said.
     */
    static URI authorization(ToolAuth.OAuth2 auth, PendingConsent consent, URI callbackUrl) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", auth.clientId());
        query.put("redirect_uri", callbackUrl.toString());
        if (!auth.scopes().isEmpty()) {
            query.put("scope", String.join(" ", auth.scopes()));
        }
        query.put("state", consent.state().reveal());
        query.put("code_challenge", consent.verifier().s256Challenge());
        query.put("code_challenge_method", "S256");
        if (auth.resource() != null) {
            query.put("resource", auth.resource().toString());
        }
        return URI.create(FormEncoding.withQuery(auth.authorizationUrl().toString(), query));
    }

    /** {@code returnUrl} with {@code tool} and either {@code consent_code} or {@code error}. */
    static URI back(URI returnUrl, String tool, String name, String value) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("tool", tool);
        query.put(name, value);
        return URI.create(FormEncoding.withQuery(returnUrl.toString(), query));
    }
}
