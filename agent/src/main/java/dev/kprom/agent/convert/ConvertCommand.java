package dev.kprom.agent.convert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kprom.agent.bpf.BpfObject;
import dev.kprom.agent.bpf.BpfProgram;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kprom convert ebpf-exporter FILE.yaml}: prints a kprom probe set for the same BPF object as an
 * ebpf_exporter config, with what could not be converted named at its top (and on stderr). The object is
 * {@code <name>.bpf.o} beside the config, as ebpf_exporter finds it, unless {@code --object} says where; its
 * programs are listed from it (opened, never loaded). Exits 2 when the config or the object cannot be read.
 */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        description = "Convert another exporter's config into a kprom probe set (only ebpf-exporter for now).")
public final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FORMAT", description = "the config's format: ebpf-exporter")
    String format;

    @Parameters(index = "1", paramLabel = "FILE", description = "the config, e.g. examples/biolatency.yaml")
    Path file;

    @Option(names = "--object", description = "the BPF object (default: <FILE's name>.bpf.o beside FILE)")
    Path object;

    @Option(
            names = "--programs",
            split = ",",
            description = "attach only these programs (default: every program of the object)")
    List<String> programs;

    @Option(
            names = {"-o", "--output"},
            description = "write the probe set here (default: standard output)")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (!format.equals("ebpf-exporter")) {
            err.println("kprom convert: unknown format \"" + format + "\" (known: ebpf-exporter)");
            return 2;
        }
        String name = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        Path objectFile = object != null ? object : file.toAbsolutePath().resolveSibling(name + ".bpf.o");
        JsonNode config;
        try {
            config = new YAMLMapper().readTree(file.toFile());
        } catch (IOException e) {
            err.println("kprom convert: cannot read " + file + ": " + e.getMessage());
            return 2;
        }
        if (config == null || !config.isObject()) {
            err.println("kprom convert: " + file + " is not a YAML mapping");
            return 2;
        }
        List<String> names = new ArrayList<>();
        try (BpfObject bpf = BpfObject.openFile(objectFile)) {
            for (BpfProgram p : bpf.programs()) names.add(p.name());
        } catch (RuntimeException e) {
            err.println("kprom convert: cannot open the BPF object " + objectFile + " (--object says where it is): "
                    + e.getMessage());
            return 2;
        }
        if (programs != null) {
            for (String p : programs) {
                if (!names.contains(p)) {
                    err.println("kprom convert: " + objectFile.getFileName() + " has no program " + p + " (it has: "
                            + String.join(", ", names) + ")");
                    return 2;
                }
            }
            names = programs;
        }
        EbpfExporterConverter.Result result = EbpfExporterConverter.convert(
                config, objectFile.toAbsolutePath().toString(), names);
        String yaml;
        try {
            yaml = header(result) + yaml(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("render the probe set: " + e.getMessage(), e);
        }
        result.notConverted().forEach(n -> err.println("kprom convert: not converted: " + n));
        try {
            if (output != null) Files.writeString(output, yaml);
            else spec.commandLine().getOut().print(yaml);
        } catch (IOException e) {
            err.println("kprom convert: cannot write " + output + ": " + e.getMessage());
            return 2;
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    private String header(EbpfExporterConverter.Result result) {
        StringBuilder h = new StringBuilder("# Converted from " + file.getFileName()
                + " (ebpf_exporter's format) by kprom convert; check it with kprom check-config.\n");
        for (String n : result.notConverted())
            h.append("# Not converted: ").append(n).append('\n');
        return h.toString();
    }

    static String yaml(EbpfExporterConverter.Result result) throws JsonProcessingException {
        YAMLMapper mapper = new YAMLMapper(new YAMLFactory()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .disable(YAMLGenerator.Feature.SPLIT_LINES)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));
        return mapper.writeValueAsString(result.probeSet());
    }
}
