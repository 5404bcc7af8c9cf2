package dev.kprom.agent.events;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import dev.kprom.agent.bpf.BpfMap;
import dev.kprom.agent.bpf.MapType;
import dev.kprom.agent.libbpf.BpfException;
import dev.kprom.agent.libbpf.Errno;
import dev.kprom.agent.libbpf.LibC;
import dev.kprom.exporter.events.RecordHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains one event map: a PERF_EVENT_ARRAY with a ring and a thread per online CPU
 * ({@code kprom-perf-<map>-cpu<N>}), or a RINGBUF with one thread ({@code kprom-ringbuf-<map>}). Each thread
 * drains its ring, then waits as {@link DrainPace} says: up to {@code interval}, less when the ring fills fast
 * enough to be a quarter full sooner, longer when an idle perf ring can wake the thread itself (its watermark, at
 * half full); a drain that took half the ring or more is followed by another at once. So wakeups are batched
 * whatever the event rate, and a fast ring keeps most of its room for bursts. {@link #close()}
 * wakes every thread through an eventfd, joins it after a last drain, then unmaps the rings.
 */
public final class EventReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventReader.class);

    /** How a map's rings are sized and drained. {@code pages}: data pages per CPU ring (perf only, power of 2). */
    public record Options(int pages, Duration interval) {
        public static final Options DEFAULT = new Options(64, Duration.ofMillis(10));

        public Options {
            if (interval.toMillis() < 1)
                throw new IllegalArgumentException("drain interval must be at least 1ms (got " + interval + ")");
        }
    }

    /** One ring's counts, for self-metrics: its CPU (0 for a ring buffer), records received, lost and failed. */
    public record RingCounts(int ring, long received, long lost, long failed, long corrupt) {}

    private final BpfMap map;
    private final List<Ring> rings;
    private static final int RESTART_PAUSE_MS = 100;
    private final List<Thread> threads = new ArrayList<>();
    private final LongAdder restarts = new LongAdder();
    private final List<Waiter> waiters = new ArrayList<>();
    private final int wakeFd;
    private volatile boolean closing;

    private EventReader(BpfMap map, List<Ring> rings, int wakeFd) {
        this.map = map;
        this.rings = rings;
        this.wakeFd = wakeFd;
    }

    /** Opens a ring per online CPU, stores each ring's fd in the map at its CPU, and starts draining into {@code handler}. */
    public static EventReader perfEventArray(BpfMap map, Options options, RecordHandler handler) {
        requireType(map, MapType.PERF_EVENT_ARRAY);
        List<Ring> rings = new ArrayList<>();
        int wake = -1;
        try {
            BitSet online = OnlineCpus.read();
            for (int cpu = 0; cpu < map.maxEntries(); cpu++) {
                if (!online.get(cpu)) continue; // offline: perf_event_open would fail with ENODEV
                PerfRing ring = PerfRing.open(cpu, options.pages());
                rings.add(ring);
                try (Memory key = new Memory(4);
                        Memory value = new Memory(4)) {
                    key.setInt(0, cpu);
                    value.setInt(0, ring.fd());
                    map.update(key, value);
                }
            }
            if (rings.isEmpty())
                throw new IllegalStateException(
                        map.describe() + ": no online CPU below its " + map.maxEntries() + " entries");
            wake = eventfd(map);
        } catch (RuntimeException e) {
            rings.forEach(Ring::close);
            throw e;
        }
        EventReader reader = new EventReader(map, rings, wake);
        reader.start(options, handler, "kprom-perf-" + map.name() + "-cpu");
        return reader;
    }

    /** Maps a RINGBUF and starts draining it into {@code handler}. */
    public static EventReader ringBuffer(BpfMap map, Options options, RecordHandler handler) {
        requireType(map, MapType.RINGBUF);
        Ring ring = BpfRingBuffer.open(map.name(), map.fd(), map.maxEntries());
        int wake;
        try {
            wake = eventfd(map);
        } catch (RuntimeException e) {
            ring.close();
            throw e;
        }
        EventReader reader = new EventReader(map, List.of(ring), wake);
        reader.start(options, handler, null);
        return reader;
    }

    private static void requireType(BpfMap map, MapType type) {
        if (map.type() != type)
            throw new IllegalArgumentException(map.describe() + " is a " + map.type() + ", not a " + type);
    }

    private static int eventfd(BpfMap map) {
        int fd = LibC.eventfd(0, LibC.EFD_CLOEXEC);
        if (fd < 0) throw new BpfException("eventfd for the drain threads of " + map.describe(), Native.getLastError());
        return fd;
    }

    private void start(Options options, RecordHandler handler, String perfPrefix) {
        int intervalMs = (int) Math.min(Integer.MAX_VALUE, options.interval().toMillis());
        try {
            for (Ring ring : rings)
                waiters.add(Waiter.open(map.describe() + " ring " + ring.index(), wakeFd, ring.pollFd()));
        } catch (RuntimeException e) {
            close(); // no thread yet: closes the waiters made so far, forgets and closes the rings
            throw e;
        }
        for (int i = 0; i < rings.size(); i++) {
            Ring ring = rings.get(i);
            Waiter waiter = waiters.get(i);
            String name = perfPrefix != null ? perfPrefix + ring.index() : "kprom-ringbuf-" + map.name();
            Thread t = new Thread(() -> run(ring, waiter, handler, intervalMs), name);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /**
     * A drain thread's life: drain, pace, wait, until close. A handler or ring fault does not end it: the fault is
     * logged and counted ({@link #restarts()}) and draining resumes after a pause, from where the ring stands.
     */
    private void run(Ring ring, Waiter waiter, RecordHandler handler, int intervalMs) {
        while (!closing) {
            try {
                drainUntilClosed(ring, waiter, handler, intervalMs);
            } catch (RuntimeException | Error e) {
                if (closing) break;
                restarts.increment();
                LOG.error(
                        "{} failed, draining again in {} ms: {}",
                        Thread.currentThread().getName(),
                        RESTART_PAUSE_MS,
                        e.toString(),
                        e);
                sleep(RESTART_PAUSE_MS);
            }
        }
        try {
            handler.draining(ring.index());
            ring.drain(handler); // what was written before close
        } catch (RuntimeException | Error e) {
            LOG.error("{}: last drain failed: {}", Thread.currentThread().getName(), e.toString(), e);
        }
    }

    private void drainUntilClosed(Ring ring, Waiter waiter, RecordHandler handler, int intervalMs) {
        // An idle perf ring (often a CPU with nothing to trace) waits up to 16 intervals or 100 ms, whichever
        // is longer: its watermark wakes it as soon as records pile up. A ring buffer has no watermark.
        int idleMs =
                waiter.watchesRing() ? (int) Math.min(Integer.MAX_VALUE, Math.max(16L * intervalMs, 100)) : intervalMs;
        DrainPace pace = new DrainPace(intervalMs, idleMs, ring.capacity(), System.nanoTime());
        while (!closing) {
            handler.draining(ring.index());
            long bytes = ring.drain(handler);
            int timeout = pace.next(bytes, System.nanoTime());
            if (closing || bytes >= ring.capacity() / 2) continue; // half a ring or more: drain again at once
            int errno = waiter.await(timeout);
            if (errno != 0) {
                LOG.warn("{}: epoll_wait failed: {}", Thread.currentThread().getName(), Errno.describe(errno));
                sleep(intervalMs);
            }
        }
    }

    /** Times a drain thread of this reader failed and went on draining (kprom_drain_restarts_total). */
    public long restarts() {
        return restarts.sum();
    }

    private static void sleep(int ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public BpfMap map() {
        return map;
    }

    /** The drain threads' names, in ring order. */
    public List<String> threadNames() {
        return threads.stream().map(Thread::getName).toList();
    }

    List<Ring> rings() {
        return rings;
    }

    public List<RingCounts> counts() {
        return rings.stream().map(EventReader::countsOf).toList();
    }

    /** The counts of the {@code i}-th ring (in {@link #counts()} order). */
    public RingCounts counts(int i) {
        return countsOf(rings.get(i));
    }

    private static RingCounts countsOf(Ring r) {
        return new RingCounts(r.index(), r.received(), r.lost(), r.failed(), r.corrupt());
    }

    private void forget(int cpu) {
        try (Memory key = new Memory(4)) {
            key.setInt(0, cpu);
            map.delete(key);
        } catch (RuntimeException e) { // the object is already closed: its map, and the entry, are gone
            LOG.debug("{}: {}", map.describe(), e.toString());
        }
    }

    /** Wakes and joins every drain thread (each drains once more), then releases the rings. Idempotent. */
    @Override
    public synchronized void close() {
        if (closing && threads.isEmpty()) return;
        closing = true;
        try (Memory one = new Memory(8)) {
            one.setLong(0, 1);
            LibC.write(wakeFd, one, 8);
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        threads.clear();
        waiters.forEach(Waiter::close);
        waiters.clear();
        for (Ring r : rings) {
            if (r instanceof PerfRing) forget(r.index()); // outputs on that CPU now fail instead of filling a dead ring
            r.close();
        }
        LibC.close(wakeFd);
        if (interrupted) Thread.currentThread().interrupt();
    }
}
