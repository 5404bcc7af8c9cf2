package dev.kprom.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;

/** What {@code bpftool prog show} lists: the kernel's view, independent of kprom's own bookkeeping. */
public final class BpfPrograms {
    private BpfPrograms() {}

    /** Ids of every loaded program whose name is {@code name}. */
    public static Set<Integer> idsNamed(String name) {
        try {
            Process p = new ProcessBuilder("bpftool", "-j", "prog", "show")
                    .redirectErrorStream(false)
                    .start();
            JsonNode all = new ObjectMapper().readTree(p.getInputStream());
            if (p.waitFor() != 0) throw new IllegalStateException("bpftool prog show failed: exit " + p.exitValue());
            Set<Integer> ids = new TreeSet<>();
            for (JsonNode prog : all) {
                if (name.equals(prog.path("name").asText()))
                    ids.add(prog.path("id").asInt());
            }
            return ids;
        } catch (IOException e) {
            throw new IllegalStateException("bpftool prog show", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
