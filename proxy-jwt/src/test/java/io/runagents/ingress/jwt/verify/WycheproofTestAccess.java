package io.runagents.ingress.jwt.verify;

import java.io.IOException;

/** Lets tests in other packages read the Wycheproof vectors the same way. */
public final class WycheproofTestAccess {
    private WycheproofTestAccess() {
    }

    /** The bytes of one vector file from the test classpath, for example {@code json_web_key_test.json}. */
    public static byte[] vector(String name) throws IOException {
        return WycheproofTest.vector(name);
    }
}
