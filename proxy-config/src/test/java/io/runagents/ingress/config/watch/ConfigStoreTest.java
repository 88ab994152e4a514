package io.runagents.ingress.config.watch;

import static io.runagents.ingress.config.testing.ResourceYaml.AGENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.runagents.ingress.config.load.ConfigLoadResult;
import io.runagents.ingress.config.model.ConfigSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Load -> validate -> prepare -> swap -> notify, through real files. */
class ConfigStoreTest {
    @TempDir
    Path tmp;
    Path conf;
    ConfigStore store;
    final List<ConfigStore.ReloadEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        conf = tmp.resolve("conf");
        Files.createDirectories(conf.resolve("agents"));
        write("agents/a.yaml", AGENT.formatted("a", "a"));
        store = new ConfigStore(conf, Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC),
                Duration.ofSeconds(2));
        assertThat(store.initialize()).isInstanceOf(ConfigLoadResult.Loaded.class);
        store.addListener(events::add);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private void write(String relative, String text) throws Exception {
        Files.createDirectories(conf.resolve(relative).getParent());
        Files.writeString(conf.resolve(relative), text);
    }

    private ReloadStatus reload() throws Exception {
        return store.reload().get(5, TimeUnit.SECONDS);
    }

    @Test
    void swapsInANewVersionAndTellsListeners() throws Exception {
        ConfigSnapshot first = store.current();
        write("agents/b.yaml", AGENT.formatted("b", "b"));

        ReloadStatus status = reload();

        assertThat(status.result()).isEqualTo(ReloadStatus.Result.SUCCESS);
        assertThat(store.version()).isEqualTo(2);
        assertThat(store.current().agents()).extracting(a -> a.name()).containsExactly("a", "b");
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.previous()).isSameAs(first);
            assertThat(e.current()).isSameAs(store.current());
        });
    }

    @Test
    void sameContentIsUnchangedAndKeepsTheVersion() throws Exception {
        write("agents/a.yaml", "# only a comment differs\n" + AGENT.formatted("a", "a"));
        assertThat(reload().result()).isEqualTo(ReloadStatus.Result.UNCHANGED);
        assertThat(store.version()).isEqualTo(1);
    }

    @Test
    void invalidDirectoryChangesNothingAndRecordsEveryError() throws Exception {
        ConfigSnapshot first = store.current();
        write("agents/b.yaml", AGENT.formatted("b", "b").replace("access: open", "access: open\n  bogus: 1"));
        write("agents/c.yaml", AGENT.formatted("a", "c"));

        ReloadStatus status = reload();

        assertThat(status.result()).isEqualTo(ReloadStatus.Result.FAILURE);
        assertThat(store.current()).isSameAs(first);
        assertThat(store.lastReload()).isSameAs(status);
        assertThat(status.errors()).extracting(Object::toString).anySatisfy(e -> assertThat(e)
                .startsWith("conf/agents/b.yaml:6:3: spec.bogus:"))
                .anySatisfy(e -> assertThat(e).startsWith("conf/agents/c.yaml:1:7: name: duplicate agent name"));

        Files.delete(conf.resolve("agents/b.yaml"));
        Files.delete(conf.resolve("agents/c.yaml"));
        ReloadStatus fixed = reload();
        assertThat(fixed.result()).isEqualTo(ReloadStatus.Result.UNCHANGED);
        assertThat(fixed.errors()).isEmpty();
    }

    @Test
    void prepareSeesTheNewSnapshotBeforeTheSwapAndCanRefuseIt() throws Exception {
        AtomicReference<Long> servingDuringPrepare = new AtomicReference<>();
        store.prepareWith(next -> {
            servingDuringPrepare.set(store.version());
            return next.agents().size() > 2
                    ? CompletableFuture.failedFuture(new IllegalStateException("jwks unreachable"))
                    : CompletableFuture.completedFuture(null);
        });
        write("agents/b.yaml", AGENT.formatted("b", "b"));
        assertThat(reload().result()).isEqualTo(ReloadStatus.Result.SUCCESS);
        assertThat(servingDuringPrepare.get()).isEqualTo(1L);

        write("agents/c.yaml", AGENT.formatted("c", "c"));
        ReloadStatus refused = reload();
        assertThat(refused.result()).isEqualTo(ReloadStatus.Result.FAILURE);
        assertThat(refused.message()).contains("jwks unreachable");
        assertThat(store.version()).isEqualTo(2);
    }

    @Test
    void loadedAtIsWhenTheSwapHappenedNotWhenTheFilesWereParsed() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-01-01T00:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public Instant instant() {
                return now.get();
            }

            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                throw new UnsupportedOperationException();
            }
        };
        try (ConfigStore timed = new ConfigStore(conf, clock, Duration.ofSeconds(2))) {
            timed.initialize();
            // Key fetches before the swap take their time; /admin/config must say when the version began serving.
            timed.prepareWith(next -> {
                now.set(now.get().plusSeconds(3));
                return CompletableFuture.completedFuture(null);
            });
            write("agents/b.yaml", AGENT.formatted("b", "b"));
            assertThat(timed.reload().get(5, TimeUnit.SECONDS).result()).isEqualTo(ReloadStatus.Result.SUCCESS);
            assertThat(timed.loadedAt()).isEqualTo(Instant.parse("2025-01-01T00:00:03Z"));
        }
    }

    @Test
    void prepareThatNeverFinishesTimesOut() throws Exception {
        store.prepareWith(next -> new CompletableFuture<>());
        write("agents/b.yaml", AGENT.formatted("b", "b"));
        ReloadStatus status = reload();
        assertThat(status.result()).isEqualTo(ReloadStatus.Result.FAILURE);
        assertThat(status.message()).contains("did not finish");
    }
}
