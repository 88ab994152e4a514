package io.runagents.ingress.core.demo;

import static io.runagents.ingress.core.demo.authserver.OAuthHttp.html;

import io.runagents.ingress.core.demo.authserver.AuthorizationServerUrls;
import java.util.Map;
import java.util.Set;

/**
 * The two pages of the demo's authorization server: "allow access?" with the account to consent as, and the
 * refusal of a request it cannot redirect. Every value from the request is escaped; the page has no script.
 */
final class DemoConsentPage {
    /** The authorization request's own parameters, carried through the form; nothing else is echoed. */
    private static final Set<String> CARRIED = Set.of("response_type", "client_id", "redirect_uri", "scope", "state",
            "code_challenge", "code_challenge_method", "resource");

    private DemoConsentPage() { }

    /** The consent form: POSTs the request back with the account and the decision. */
    static String consent(Map<String, String> request, String suggestedAccount) {
        StringBuilder hidden = new StringBuilder();
        for (Map.Entry<String, String> param : request.entrySet()) {
            if (CARRIED.contains(param.getKey())) {
                hidden.append("<input type=\"hidden\" name=\"").append(html(param.getKey())).append("\" value=\"")
                        .append(html(param.getValue())).append("\">\n");
            }
        }
        String scope = request.getOrDefault("scope", "(no scope)");
        return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Demo Drive: allow access?</title></head>\n"
                + "<body>\n<h1>Allow " + html(request.get("client_id")) + " to use your Demo Drive?</h1>\n"
                + "<p>It asks for: <b>" + html(scope) + "</b></p>\n"
                + "<form method=\"post\" action=\"" + AuthorizationServerUrls.AUTHORIZE_PATH + "\">\n" + hidden
                + "<p><label>Demo Drive account <input name=\"" + DemoAuthorizationServer.ACCOUNT_PARAMETER
                + "\" value=\"" + html(suggestedAccount) + "\" required></label></p>\n"
                + "<p><button name=\"decision\" value=\"allow\">Allow</button>\n"
                + "<button name=\"decision\" value=\"deny\">Deny</button></p>\n</form>\n"
                + "<p><small>The RunAgents demo's built-in authorization server, on this machine only.</small></p>\n"
                + "</body></html>\n";
    }

    /** A request that names no known client or redirect URI: said here, never redirected. */
    static String refused(String reason) {
        return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Demo Drive: request refused</title></head>\n"
                + "<body>\n<h1>This authorization request is refused</h1>\n<p>" + html(reason) + "</p>\n</body></html>\n";
    }
}
