package io.runagents.ingress.core.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * The ports the demo's listeners ask for on 127.0.0.1; 0 is any free port. The ingress and the admin
 * prefer the ports the user gave, the egress the one after the ingress's. A demo must start whatever
 * else runs on the machine, so a listener that cannot have its port takes a free one instead.
 */
record DemoPorts(int ingress, int egress, int admin) {
    private static final int HIGHEST_PORT = 65535;

    /** The preferred ports, each listener on its own: a clash among them would fail every start. */
    static DemoPorts preferred(int ingress, int admin) {
        // The admin port was asked for, the egress's is only derived, so on a clash the admin keeps it.
        boolean noPortAfterIngress = ingress == 0 || ingress == HIGHEST_PORT || ingress + 1 == admin;
        // One port for both: the ingress keeps it, it is the one every printed curl line uses.
        return new DemoPorts(ingress, noPortAfterIngress ? 0 : ingress + 1, admin == ingress ? 0 : admin);
    }

    /**
     * These ports with 0 for each one that cannot be bound now. Asked of the ports themselves because
     * the failed bind says it in a different way on each transport: a {@code BindException} on NIO,
     * Netty's {@code NativeIoException} on io_uring and epoll.
     */
    DemoPorts withTakenOnesFree() {
        return new DemoPorts(freeIfTaken(ingress), freeIfTaken(egress), freeIfTaken(admin));
    }

    /**
     * These ports with the ingress's chosen now when it is 0 (any free port): the consent callback URL names the
     * ingress's port, and it goes into the configuration before the listener binds.
     */
    DemoPorts withIngressChosen() {
        if (ingress != 0) {
            return this;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            return new DemoPorts(probe.getLocalPort(), egress, admin);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("no free loopback port for the demo's ingress", e);
        }
    }

    /** For the log line that says which listeners moved. */
    @Override
    public String toString() {
        return "ingress " + shown(ingress) + ", egress " + shown(egress) + ", admin " + shown(admin);
    }

    private static String shown(int port) {
        return port == 0 ? "any free port" : Integer.toString(port);
    }

    private static int freeIfTaken(int port) {
        return port == 0 || canBind(port) ? port : 0;
    }

    /** Binds as the proxy's listeners do (SO_REUSEADDR, so a port left in TIME_WAIT still counts as free). */
    private static boolean canBind(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
