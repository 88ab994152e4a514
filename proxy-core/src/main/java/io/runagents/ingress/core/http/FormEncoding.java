package io.runagents.ingress.core.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * {@code application/x-www-form-urlencoded} as OAuth 2.0 uses it: request bodies, query parameters added to a
 * redirect, and the client credentials of HTTP Basic (RFC 6749 sections 2.3.1 and 4.1).
 */
public final class FormEncoding {
    private FormEncoding() {
    }

    /** {@code name=value&...} in the map's order, each side form-encoded as UTF-8. */
    public static String encode(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        appendTo(sb, params, '\0');
        return sb.toString();
    }

    /** {@code url} with {@code params} added to its query (after {@code ?}, or {@code &} when it has one). */
    public static String withQuery(String url, Map<String, String> params) {
        StringBuilder sb = new StringBuilder(url);
        appendTo(sb, params, url.indexOf('?') < 0 ? '?' : '&');
        return sb.toString();
    }

    /**
     * The {@code Authorization} value of HTTP Basic client authentication: the id and the secret are form-encoded
     * before they are joined and base64-encoded (RFC 6749 section 2.3.1).
     */
    public static String basicCredentials(String clientId, String secret) {
        String pair = encode(clientId) + ":" + encode(secret);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static void appendTo(StringBuilder sb, Map<String, String> params, char firstSeparator) {
        char separator = firstSeparator;
        for (Map.Entry<String, String> param : params.entrySet()) {
            if (separator != '\0') {
                sb.append(separator);
            }
            sb.append(encode(param.getKey())).append('=').append(encode(param.getValue()));
            separator = '&';
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
