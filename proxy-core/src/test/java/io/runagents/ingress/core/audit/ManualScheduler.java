package io.runagents.ingress.core.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A caller's "event loop" whose time the test moves: {@link #execute} runs tasks at once on the calling
 * thread (or hands them to the executor it was given), scheduled tasks run only in {@link #advance} once
 * their delay has passed on its clock. Thread-safe.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final Executor executor;
    private final List<Task> scheduled = new ArrayList<>();
    private long nowNanos;

    /** Runs {@link #execute} tasks inline. */
    ManualScheduler() {
        this(Runnable::run);
    }

    /** Hands {@link #execute} tasks to {@code executor}. */
    ManualScheduler(Executor executor) {
        this.executor = executor;
    }

    /** Moves the clock by {@code by} and runs, on this thread and in time order, the tasks then due. */
    void advance(Duration by) {
        List<Task> due = new ArrayList<>();
        synchronized (this) {
            nowNanos += by.toNanos();
            for (Task task : List.copyOf(scheduled)) {
                if (task.dueNanos <= nowNanos) {
                    scheduled.remove(task);
                    due.add(task);
                }
            }
        }
        due.sort(Comparator.comparingLong(t -> t.dueNanos));
        for (Task task : due) {
            if (!task.isCancelled()) {
                task.done = true;
                task.command.run();
            }
        }
    }

    /** The delays, from now, of the scheduled tasks not yet run or cancelled. */
    synchronized List<Duration> pendingDelays() {
        return scheduled.stream().filter(t -> !t.isCancelled())
                .map(t -> Duration.ofNanos(t.dueNanos - nowNanos)).toList();
    }

    @Override
    public void execute(Runnable command) {
        executor.execute(command);
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Task task = new Task(command, nowNanos + unit.toNanos(delay));
        scheduled.add(task);
        return task;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void shutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return false;
    }

    private final class Task implements ScheduledFuture<Object> {
        final Runnable command;
        final long dueNanos;
        volatile boolean cancelled;
        volatile boolean done;

        Task(Runnable command, long dueNanos) {
            this.command = command;
            this.dueNanos = dueNanos;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            synchronized (ManualScheduler.this) {
                return unit.convert(dueNanos - nowNanos, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done) {
                return false;
            }
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }
    }
}
