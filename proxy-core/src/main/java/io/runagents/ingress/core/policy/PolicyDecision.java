package io.runagents.ingress.core.policy;

/**
 * The outcome of the policies of one target for one request.
 *
 * @param policy the deciding policy's name; null when the target has no policies
 * @param rule the deciding rule's index in that policy; -1 when no rule matched (default deny) or no policies
 */
public record PolicyDecision(boolean allowed, String policy, int rule) {
    /** A target without policies is open to every caller. */
    public static final PolicyDecision NO_POLICIES = new PolicyDecision(true, null, -1);

    /** {@code policy#rule}, or {@code policy#default} for the implicit deny; null without policies. */
    public String ruleName() {
        if (policy == null) {
            return null;
        }
        return policy + "#" + (rule < 0 ? "default" : Integer.toString(rule));
    }

    /** Header-safe text for {@code error_description}. */
    public String description() {
        if (rule < 0) {
            return "no rule of policy " + policy + " allows this request";
        }
        return "denied by policy " + policy + ", rule " + rule;
    }
}
