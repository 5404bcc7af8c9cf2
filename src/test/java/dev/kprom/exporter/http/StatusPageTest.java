package dev.kprom.exporter.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kprom.exporter.status.EventStatus;
import dev.kprom.exporter.status.MapStatus;
import dev.kprom.exporter.status.ProbeStatus;
import dev.kprom.exporter.status.ProgramStatus;
import dev.kprom.exporter.status.ReloadStatus;
import dev.kprom.exporter.status.StatusSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What the status page says, without a browser: states, reasons, escaping, and event rates between renders. */
class StatusPageTest {
    private final AtomicLong clock = new AtomicLong();
    private long received = 1000;
    private long lost = 0;
    private ReloadStatus reload = new ReloadStatus(true, "2026-12-03T10:00:00.123Z", null, "2026-12-03T10:00:00.123Z");

    private final StatusSource status = new StatusSource() {
        @Override
        public boolean ready() {
            return false;
        }

        @Override
        public List<ProbeStatus> probes() {
            return List.of(
                    new ProbeStatus(
                            "connect",
                            "builtin:probes/connect.yaml",
                            "connect.bpf.o",
                            true,
                            List.of(new ProgramStatus(
                                    "enter",
                                    "tp_connect_enter",
                                    "tracepoint syscalls/sys_enter_connect",
                                    List.of("kprobe __sys_connect (program kprobe_connect): no <kprobes> here"))),
                            List.of(new MapStatus("kprom_connect", "connect_events", null, 0, null)),
                            List.of(new EventStatus("connect_events", received, lost, 0))),
                    new ProbeStatus("ghost", "probes/ghost.yaml", "ghost.bpf.o", false, List.of(), List.of(), List.of())
                            .supervised(true, "no attach alternative works on this kernel", 3));
        }

        @Override
        public ReloadStatus lastReload() {
            return reload;
        }
    };

    private final StatusPage page = new StatusPage(() -> new LandingPage("1.2.3"), status, clock::get);

    @Test
    void showsEachProbeSetsStateReasonsAndRatesSinceTheLastRender() {
        String first = page.html();
        assertThat(first)
                .contains(
                        "<span class=\"down\">not ready</span>",
                        "1 of 2 probe sets up",
                        "loaded</span> at 2026-12-03T10:00:00Z",
                        "<section id=\"probe-connect\"><h2>connect <span class=\"ok\">up</span>",
                        "tracepoint syscalls/sys_enter_connect",
                        "no &lt;kprobes&gt; here",
                        "<td>not yet</td>",
                        "<section id=\"probe-ghost\"><h2>ghost <span class=\"down\">down</span>",
                        "failures: 3",
                        "<pre>no attach alternative works on this kernel</pre>",
                        "<meta http-equiv=\"refresh\" content=\"10\">")
                .doesNotContain("<kprobes>");
        assertThat(first).contains("<td class=\"n\">1000</td><td class=\"n\"></td>"); // no rate on a first view

        clock.set(2_000_000_000L); // 2 s later: 500 more records, 10 lost
        received = 1500;
        lost = 10;
        assertThat(page.html())
                .contains("<td class=\"n\">1500</td><td class=\"n\">250.0</td><td class=\"n\">10</td>"
                        + "<td class=\"n\">5.0</td>");
    }

    @Test
    void aRefusedReloadShowsWhyAndWhichConfigurationRuns() {
        reload = new ReloadStatus(
                false, "2026-12-03T11:00:00Z", "kprom.yaml:3:1: listen: <bad>", "2026-12-03T10:00:00Z");
        assertThat(page.html())
                .contains(
                        "reload refused</span> at 2026-12-03T11:00:00Z; running the one loaded at 2026-12-03T10:00:00Z",
                        "<pre>kprom.yaml:3:1: listen: &lt;bad&gt;</pre>");
    }
}
