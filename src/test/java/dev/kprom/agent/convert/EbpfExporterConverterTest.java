package dev.kprom.agent.convert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every part of ebpf_exporter's format, converted or named as not converted. */
class EbpfExporterConverterTest {
    @Test
    void everyPartIsConvertedOrNamed() throws Exception {
        EbpfExporterConverter.Result r = EbpfExporterConverter.convert(
                new YAMLMapper()
                        .readTree(Path.of("src/test/resources/ebpf-exporter/kitchen-sink.yaml")
                                .toFile()),
                "/objects/kitchen-sink.bpf.o",
                List.of("tp_exec", "kprobe_drop"));
        assertThat(ConvertCommand.yaml(r))
                .isEqualTo(
                        """
                        object: /objects/kitchen-sink.bpf.o
                        kaddrs:
                        - jiffies_to_msecs
                        programs:
                        - name: tp_exec
                          attach:
                          - program: tp_exec
                            auto: true
                        - name: kprobe_drop
                          attach:
                          - program: kprobe_drop
                            auto: true
                        metrics:
                          counters:
                          - name: drops_total
                            map: drops
                            help: Packet drops by reason.
                            labels:
                            - name: reason
                              size: 4
                              decoders:
                              - name: uint
                              - name: static_map
                                map:
                                  "1": not_specified
                                unknown_prefix: "unknown:"
                            - name: comm
                              size: 16
                              decoders:
                              - name: regexp
                                regexps:
                                - (^kworker)
                                - ^(ssh)d
                          histograms:
                          - name: sizes_bytes
                            help: sizes.
                            buckets:
                              type: fixed
                              bounds:
                              - 64.0
                              - 512.0
                              - 4096.0
                            labels:
                            - name: bucket
                              size: 8
                        events:
                        - map: exec_events
                          fields:
                          - name: pid
                            size: 4
                            padding: 4
                            decoders:
                            - name: uint
                          counters:
                          - name: exec_events_total
                            help: exec events.
                            labels:
                            - name: pid
                        """);
        assertThat(r.notConverted())
                .containsExactly(
                        "metrics.counters[0].labels[1].decoders[1]: decoder \"nosuch\" has no kprom equivalent; left"
                                + " out of the chain",
                        "metrics.counters[1].flush_interval: kprom's event counters keep counting (they are never"
                                + " reset); idle series go after series_idle_seconds instead",
                        "tracing.spans: kprom exports metrics only (no OpenTelemetry spans); the 1 span(s) are left out",
                        "cgroup_id_map: kprom does not fill a map of cgroup ids by regexps; the program sees map"
                                + " cgroup_map empty");
    }

    @Test
    void regexpsBehaveAsEbpfExportersDo() {
        assertThat(EbpfExporterConverter.asEbpfExporterDoes("^kworker")).isEqualTo("(^kworker)"); // the match
        assertThat(EbpfExporterConverter.asEbpfExporterDoes("^(ssh)d")).isEqualTo("^(ssh)d"); // its one group
        assertThat(EbpfExporterConverter.asEbpfExporterDoes("(a)(b)")).isEqualTo("((a)(b))"); // two: the match
    }
}
