package dev.kprom.agent.probe;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.attach.Tracefs;
import dev.kprom.agent.config.ConfigLoader;
import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.testing.BpfTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * fs_latency on this kernel, which has neither kprobes nor fentry: every slot is optional and none attaches, so the
 * probe set does not pretend to run; its error names each slot and why. It is measured on Debian's 6.1 in the
 * kernel matrix (src/test/kernel-matrix/suite.sh, KernelMatrixIT).
 */
@BpfTest
class FsLatencyTest {
    @Test
    void withNeitherFentryNorKprobesNothingAttachesAndTheErrorSaysWhyForEachSlot() {
        ProbeSetLoader loader =
                new ProbeSetLoader(Tracefs.ensureMounted(), Kallsyms.system(), n -> CollectObserver.IGNORE);
        assertThatThrownBy(() -> loader.load(ConfigLoader.loadProbeSet("fs_latency", Path.of("config/probes"))))
                .isInstanceOf(ProbeSetException.class)
                .hasMessageContaining("no program attaches on this kernel (every slot is optional and empty)")
                .hasMessageContaining("ext4_read_enter: fentry ext4_file_read_iter")
                .hasMessageContaining("ext4_read_enter: kprobe ext4_file_read_iter")
                .hasMessageContaining("xfs_fsync_exit: kretprobe xfs_file_fsync");
    }
}
