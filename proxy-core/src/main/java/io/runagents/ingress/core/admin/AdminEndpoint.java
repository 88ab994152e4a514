package io.runagents.ingress.core.admin;

import java.util.concurrent.CompletionStage;

/**
 * One {@code /admin/<name>} endpoint besides the resources, such as {@code /admin/token-check}. Answers on the
 * admin I/O thread, where blocking work (files, a key fetch) is allowed.
 */
interface AdminEndpoint {
    CompletionStage<AdminReply> answer(AdminApiHandler.Call call) throws Exception;

    /** Whether it also answers {@code /admin/<name>/...} (such as {@code DELETE /admin/grants/<tool>}). */
    default boolean takesSubPaths() {
        return false;
    }
}
