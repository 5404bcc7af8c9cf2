package dev.kprom.agent.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A perf event to run a {@code SEC("perf_event")} program on, on every online CPU: a software event
 * ({@code cpu_clock}, {@code task_clock}, {@code page_faults}, {@code context_switches}, {@code cpu_migrations}) or
 * a hardware one ({@code cycles}, {@code instructions}, {@code cache_references}, {@code cache_misses} (last-level),
 * {@code branch_instructions}, {@code branch_misses}; machines without counters, most VMs, refuse them), sampled
 * {@code frequency} times a second (default 49) or every {@code period} events.
 * <pre>
 * - program: on_cpu
 *   perf_event: {event: cpu_clock, frequency: 99}
 * </pre>
 */
public record PerfEventSpec(String event, Integer frequency, Long period) {
    public static final int DEFAULT_FREQUENCY = 49;
    public static final int PERF_TYPE_HARDWARE = 0;
    public static final int PERF_TYPE_SOFTWARE = 1;

    /** Each event by name: {type, config} of perf_event_attr. */
    public static final Map<String, int[]> EVENTS = Map.ofEntries(
            Map.entry("cpu_clock", new int[] {PERF_TYPE_SOFTWARE, 0}),
            Map.entry("task_clock", new int[] {PERF_TYPE_SOFTWARE, 1}),
            Map.entry("page_faults", new int[] {PERF_TYPE_SOFTWARE, 2}),
            Map.entry("context_switches", new int[] {PERF_TYPE_SOFTWARE, 3}),
            Map.entry("cpu_migrations", new int[] {PERF_TYPE_SOFTWARE, 4}),
            Map.entry("cycles", new int[] {PERF_TYPE_HARDWARE, 0}),
            Map.entry("instructions", new int[] {PERF_TYPE_HARDWARE, 1}),
            Map.entry("cache_references", new int[] {PERF_TYPE_HARDWARE, 2}),
            Map.entry("cache_misses", new int[] {PERF_TYPE_HARDWARE, 3}),
            Map.entry("branch_instructions", new int[] {PERF_TYPE_HARDWARE, 4}),
            Map.entry("branch_misses", new int[] {PERF_TYPE_HARDWARE, 5}));

    public int type() {
        return EVENTS.get(event)[0];
    }

    public int config() {
        return EVENTS.get(event)[1];
    }

    /** Whether it samples by frequency (else by period). */
    public boolean byFrequency() {
        return period == null;
    }

    /** The frequency in Hz, or the period in events. */
    public long rate() {
        return period != null ? period : frequency != null ? frequency : DEFAULT_FREQUENCY;
    }

    /** "cpu_clock at 99 Hz", "cycles every 1000000". */
    public String describe() {
        return event + (byFrequency() ? " at " + rate() + " Hz" : " every " + rate());
    }

    List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (event == null || !EVENTS.containsKey(event)) {
            problems.add("perf_event.event: must be one of " + String.join(", ", new TreeSet<>(EVENTS.keySet()))
                    + " (got " + (event == null ? "nothing" : "\"" + event + "\"") + ")");
        }
        if (frequency != null && period != null) problems.add("perf_event: give frequency or period, not both");
        if (frequency != null && (frequency < 1 || frequency > 100_000))
            problems.add("perf_event.frequency: must be 1 to 100000 (got " + frequency + ")");
        if (period != null && period < 1) problems.add("perf_event.period: must be >= 1 (got " + period + ")");
        return problems;
    }
}
