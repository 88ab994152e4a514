package io.runagents.ingress.jwt.verify;

import java.nio.file.Path;

/** Lets tests in other packages find the Wycheproof vectors the same way. */
public final class WycheproofTestAccess {
    private WycheproofTestAccess() {
    }

    public static Path testdata() {
        return WycheproofTest.testdata();
    }
}
