package io.runagents.ingress.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.config.model.HostPort;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AdminExposureTest {
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "::1", "localhost"})
    void aLoopbackAdminNeedsNoToken(String host) {
        assertThat(AdminExposure.refusal(new HostPort(host, 9901), null)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "", "10.1.2.3", "192.0.2.7", "no-such-host.invalid"})
    void anyOtherAdminAddressWithoutATokenRefusesToStart(String host) {
        assertThat(AdminExposure.refusal(new HostPort(host, 9901), null)).startsWith("listen.admin: ")
                .contains("RUNAGENTS_ADMIN_TOKEN is not set");
        assertThat(AdminExposure.refusal(new HostPort(host, 9901), "")).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "10.1.2.3"})
    void withATokenAnyAddressMayServe(String host) {
        assertThat(AdminExposure.refusal(new HostPort(host, 9901), "a-long-random-token")).isNull();
    }
}
