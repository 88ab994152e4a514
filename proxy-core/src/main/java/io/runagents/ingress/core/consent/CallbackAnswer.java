package io.runagents.ingress.core.consent;

import io.runagents.ingress.core.http.Html;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** What {@code GET /oauth/callback} answers (SPEC section 8, step 2): a 303 to {@code returnUrl}, or a page. */
public sealed interface CallbackAnswer {

    /** 303 to {@code location} ({@code returnUrl} with the tool and a consent code or an error). */
    record Redirect(URI location) implements CallbackAnswer {
        public Redirect {
            Objects.requireNonNull(location, "location");
        }
    }

    /** A small HTML page: the consent code when there is no {@code returnUrl}, or what went wrong. */
    record Page(int status, String html) implements CallbackAnswer {
        public Page {
            Objects.requireNonNull(html, "html");
        }

        public byte[] body() {
            return html.getBytes(StandardCharsets.UTF_8);
        }

        /** A page with a title and a sentence; {@code code}, when not null, shown to copy with a warning. */
        static Page of(int status, String title, String message, String code) {
            StringBuilder html = new StringBuilder(512).append("<!doctype html><html lang=\"en\"><head>")
                    .append("<meta charset=\"utf-8\"><title>").append(Html.escape(title))
                    .append("</title></head><body><h1>").append(Html.escape(title)).append("</h1><p>")
                    .append(Html.escape(message)).append("</p>");
            if (code != null) {
                html.append("<p><code id=\"consent-code\">").append(Html.escape(code)).append("</code></p>")
                        .append("<p><strong>Do not share this code.</strong> Paste it only into the application you ")
                        .append("started the consent from; it works once, for you alone.</p>");
            }
            return new Page(status, html.append("</body></html>").toString());
        }
    }
}
