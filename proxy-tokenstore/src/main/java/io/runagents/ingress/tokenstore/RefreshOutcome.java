package io.runagents.ingress.tokenstore;

import java.util.Objects;

/** The result of {@link TokenStore#refresh}. */
public sealed interface RefreshOutcome permits RefreshOutcome.Refreshed, RefreshOutcome.AlreadyFresh,
        RefreshOutcome.Ended, RefreshOutcome.Failed, RefreshOutcome.Unusable {

    /** This call rotated the tokens; {@code grant} is what is now stored. */
    record Refreshed(Grant grant) implements RefreshOutcome {
        public Refreshed {
            Objects.requireNonNull(grant, "grant");
        }
    }

    /**
     * Under the lock, the re-read grant no longer needed a refresh (another caller or replica rotated it first); the
     * refresh call did not run.
     */
    record AlreadyFresh(Grant grant) implements RefreshOutcome {
        public AlreadyFresh {
            Objects.requireNonNull(grant, "grant");
        }
    }

    /** The token endpoint answered {@code invalid_grant}; {@code removed} was deleted: answer consent_required. */
    record Ended(Grant removed) implements RefreshOutcome {
        public Ended {
            Objects.requireNonNull(removed, "removed");
        }
    }

    /**
     * The refresh call failed as {@code failure} says; {@code kept} is unchanged in the store: answer 502
     * {@code token_refresh_failed}.
     */
    record Failed(Grant kept, RefreshResult.Failed failure) implements RefreshOutcome {
        public Failed {
            Objects.requireNonNull(kept, "kept");
            Objects.requireNonNull(failure, "failure");
        }
    }

    /**
     * There was nothing to refresh: no grant ({@link Lookup.None}), a key id not configured
     * ({@link Lookup.KeyMissing}) or an undecryptable row ({@link Lookup.Undecryptable}). The call did not run.
     */
    record Unusable(Lookup<Grant> lookup) implements RefreshOutcome {
        public Unusable {
            Objects.requireNonNull(lookup, "lookup");
            if (lookup instanceof Lookup.Found) {
                throw new IllegalArgumentException("lookup: Found (expected: None, KeyMissing or Undecryptable)");
            }
        }
    }
}
