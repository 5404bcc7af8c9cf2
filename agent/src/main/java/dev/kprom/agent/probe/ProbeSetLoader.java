package dev.kprom.agent.probe;

import com.sun.jna.Memory;
import dev.kprom.agent.attach.Kallsyms;
import dev.kprom.agent.attach.PerfEvents;
import dev.kprom.agent.bpf.BpfIterator;
import dev.kprom.agent.bpf.BpfLink;
import dev.kprom.agent.bpf.BpfLoadException;
import dev.kprom.agent.bpf.BpfMap;
import dev.kprom.agent.bpf.BpfObject;
import dev.kprom.agent.bpf.BpfProgram;
import dev.kprom.agent.config.AttachSpec;
import dev.kprom.agent.config.ConfigException;
import dev.kprom.agent.config.ProbeSetConfig;
import dev.kprom.agent.config.ProgramSpec;
import dev.kprom.agent.config.TailCallSpec;
import dev.kprom.agent.config.UprobeSpec;
import dev.kprom.agent.config.UsdtSpec;
import dev.kprom.agent.events.EventReader;
import dev.kprom.agent.events.OnlineCpus;
import dev.kprom.agent.libbpf.BpfException;
import dev.kprom.agent.libbpf.Errno;
import dev.kprom.agent.libbpf.LibC;
import dev.kprom.exporter.collect.CollectObserver;
import dev.kprom.exporter.status.ProgramStatus;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a probe set up: binds its config to the object ({@link ProbeSetBinder}), then, for each program slot, the first attach alternative that passes {@link Preflight}, then
 * loads only the chosen programs. If the kernel rejects a chosen program at load or attach time, that alternative
 * is struck with the kernel's reason and the object is reopened with the next one, until every slot is attached
 * or a slot has no alternative left (then nothing stays loaded; an {@code optional} slot stays empty instead).
 */
public final class ProbeSetLoader {
    /** The inventory object's iterators (probes/bpf_inventory.bpf.c): holders, programs, maps, in that order. */
    private static final List<String> INVENTORY_PROGRAMS = List.of("dump_owners", "dump_programs", "dump_maps");

    private static final Logger LOG = LoggerFactory.getLogger(ProbeSetLoader.class);
    private final Preflight preflight;
    private final Kallsyms kallsyms;
    private final Function<String, CollectObserver> observers;

    /**
     * Attach kinds this kernel refused for every program (fentry and fexit failing to load with EPERM: lockdown, a
     * hypervisor without trampolines), learned once and then skipped at once for every other program and probe set.
     */
    private final Map<AttachSpec.Kind, String> refused;

    /** {@code observers} gives each probe set (by name) the observer its collectors report reads to. */
    public ProbeSetLoader(Path tracefs, Kallsyms kallsyms, Function<String, CollectObserver> observers) {
        this(tracefs, kallsyms, observers, Set.of());
    }

    /** {@code disabled}: attach kinds never to use (the daemon config's disable_attach), skipped with that reason. */
    public ProbeSetLoader(
            Path tracefs,
            Kallsyms kallsyms,
            Function<String, CollectObserver> observers,
            Set<AttachSpec.Kind> disabled) {
        this(tracefs, kallsyms, observers, disabled, new ConcurrentHashMap<>());
    }

    /**
     * {@code refused}: attach kinds this kernel refused for every program, shared by the loaders of one daemon (its
     * retries and other probe sets skip them at once), filled as loads find them.
     */
    public ProbeSetLoader(
            Path tracefs,
            Kallsyms kallsyms,
            Function<String, CollectObserver> observers,
            Set<AttachSpec.Kind> disabled,
            Map<AttachSpec.Kind, String> refused) {
        this.preflight = new Preflight(tracefs, kallsyms, disabled);
        this.kallsyms = kallsyms;
        this.observers = observers;
        this.refused = refused;
    }

    /** A slot's pick; {@code alt} null for an optional slot left empty. */
    private record Candidate(ProgramSpec slot, AttachSpec alt, String target) {
        boolean empty() {
            return alt == null;
        }
    }

    public ProbeSet load(ProbeSetConfig config) {
        return load(config, MapCarryOver.NONE);
    }

    /** Loads with maps carried over from a running version or from pins ({@link MapCarryOver}). */
    public ProbeSet load(ProbeSetConfig config, MapCarryOver carry) {
        if (config.spec().objectless()) return loadForeignMaps(config);
        String what = ProbeObjects.describe(config);
        byte[] elf = ProbeObjects.bytes(config);
        ProbeSetBinder binder = new ProbeSetBinder(observers.apply(config.name()), kallsyms::addresses);
        Set<AttachSpec> struck = new HashSet<>();
        Map<String, List<String>> skipped = new LinkedHashMap<>();
        while (true) {
            List<Candidate> chosen = choose(config, struck, skipped, what);
            BpfObject object = BpfObject.openMemory(ProbeObjects.fileName(config), elf);
            List<BpfLink> links = new ArrayList<>();
            List<EventReader> readers = new ArrayList<>();
            try {
                ProbeSetBinder.Bound bound = binder.bind(config, object); // checks the maps before loading
                for (BpfMap foreign : bound.foreignMaps()) links.add(BpfLink.closing(foreign::close, foreign.name()));
                carry.apply(config.name(), object);
                Set<String> load = new HashSet<>();
                for (Candidate c : chosen) if (!c.empty()) load.add(c.alt().program());
                config.spec().tailCalls().forEach(t -> load.addAll(t.entries().values())); // jumped to, not attached
                config.spec().iterators().forEach(it -> load.add(it.program()));
                if (bound.inventory() != null) load.addAll(INVENTORY_PROGRAMS);
                for (BpfProgram p : object.programs()) p.setAutoload(load.contains(p.name()));
                Candidate untargetable = bindTraceTargets(object, chosen, struck, skipped);
                if (untargetable != null) {
                    closeAll(readers, links, object);
                    continue;
                }
                List<EventSource> sources = bound.eventSources();
                try {
                    object.load();
                } catch (BpfLoadException e) {
                    Candidate failed = chosen.stream()
                            .filter(c -> !c.empty())
                            .filter(c -> e.program()
                                    .filter(c.alt().program()::equals)
                                    .isPresent())
                            .findFirst()
                            .orElseThrow(() -> e);
                    strike(failed, "load failed: " + e.summary(), struck, skipped);
                    AttachSpec.Kind kind = failed.alt().kind();
                    if (e.errno() == Errno.EPERM && (kind == AttachSpec.Kind.FENTRY || kind == AttachSpec.Kind.FEXIT))
                        refused.putIfAbsent(kind, e.summary()); // the kernel refuses trampolines, not this program
                    closeAll(readers, links, object);
                    continue;
                }
                fillTailCalls(config, object); // before attaching: a dispatcher never jumps into an empty slot
                for (EventSource source : sources) readers.add(source.start()); // before attaching: no record lost
                Candidate failed = null;
                for (Candidate c : chosen) {
                    if (c.empty()) continue;
                    try {
                        links.add(attach(object.program(c.alt().program()), c));
                    } catch (BpfException e) {
                        strike(c, e.getMessage(), struck, skipped);
                        failed = c;
                        break;
                    }
                }
                if (failed != null) {
                    closeAll(readers, links, object);
                    continue;
                }
                List<ProgramStatus> iterators = new ArrayList<>();
                for (ProbeSetBinder.Iterator it : bound.iterators()) {
                    BpfProgram program = object.program(it.spec().program());
                    links.add(it.reader().attach(program));
                    iterators.add(iteratorStatus(it.spec().name(), program));
                }
                if (bound.inventory() != null) {
                    List<BpfIterator> inventory = new ArrayList<>();
                    for (String name : INVENTORY_PROGRAMS) {
                        BpfProgram program = object.program(name);
                        BpfIterator it = new BpfIterator(program, "the BPF inventory's iterator " + name);
                        links.add(it.asLink());
                        inventory.add(it);
                        iterators.add(iteratorStatus(name.substring("dump_".length()), program));
                    }
                    bound.inventory().iterators(inventory.get(0), inventory.get(1), inventory.get(2));
                }
                List<AttachChoice> choices = new ArrayList<>();
                for (Candidate c : chosen) {
                    AttachChoice choice = new AttachChoice(
                            c.slot().name(),
                            c.alt(),
                            c.target(),
                            skipped.getOrDefault(c.slot().name(), List.of()));
                    choices.add(choice);
                    if (choice.attached()) LOG.info("probe set {}: {}", config.name(), choice);
                    else LOG.warn("probe set {}: runs without {}", config.name(), choice);
                }
                List<ProbeSet.Events> events = new ArrayList<>();
                for (int i = 0; i < sources.size(); i++)
                    events.add(new ProbeSet.Events(sources.get(i).stream(), readers.get(i)));
                return new ProbeSet(
                        config.name(), config.source(), object, links, choices, iterators, bound.collectors(), events);
            } catch (RuntimeException e) {
                closeAll(readers, links, object);
                if (e instanceof ProbeSetException || e instanceof ConfigException) throw e;
                throw new ProbeSetException(what + ": " + e.getMessage(), e);
            }
        }
    }

    /** A probe set of foreign maps alone: nothing to load or attach, its maps opened read-only. */
    private ProbeSet loadForeignMaps(ProbeSetConfig config) {
        ProbeSetBinder.Bound bound =
                new ProbeSetBinder(observers.apply(config.name()), kallsyms::addresses).bind(config, null);
        List<BpfLink> holds = new ArrayList<>();
        for (BpfMap foreign : bound.foreignMaps()) holds.add(BpfLink.closing(foreign::close, foreign.name()));
        LOG.info(
                "probe set {}: reading foreign maps {}",
                config.name(),
                bound.foreignMaps().stream().map(BpfMap::name).toList());
        return new ProbeSet(
                config.name(), config.source(), null, holds, List.of(), List.of(), bound.collectors(), List.of());
    }

    private List<Candidate> choose(
            ProbeSetConfig config, Set<AttachSpec> struck, Map<String, List<String>> skipped, String what) {
        List<Candidate> chosen = new ArrayList<>();
        for (ProgramSpec slot : config.spec().programs()) {
            Candidate pick = null;
            for (AttachSpec alt : slot.attach()) {
                if (struck.contains(alt)) continue;
                String refusal = refused.get(alt.kind());
                if (refusal != null) {
                    strike(
                            new Candidate(slot, alt, null),
                            "this kernel refused an earlier " + alt.kind().yamlName() + " program (" + refusal + ")",
                            struck,
                            skipped);
                    continue;
                }
                Preflight.Result r = preflight.check(alt);
                if (r.usable()) {
                    pick = new Candidate(slot, alt, r.target());
                    break;
                }
                strike(new Candidate(slot, alt, null), r.skipReason(), struck, skipped);
            }
            if (pick == null && slot.isOptional()) {
                pick = new Candidate(slot, null, null); // left empty; the probe set runs without it
            } else if (pick == null) {
                throw new ProbeSetException(
                        "attach",
                        what + ": program " + slot.name() + ": no attach alternative works on this kernel:\n  - "
                                + String.join("\n  - ", skipped.getOrDefault(slot.name(), List.of())));
            }
            chosen.add(pick);
        }
        if (!chosen.isEmpty()
                && chosen.stream().allMatch(Candidate::empty)) { // optional slots, all empty: nothing runs
            List<String> why = new ArrayList<>();
            skipped.forEach((slot, reasons) -> reasons.forEach(r -> why.add(slot + ": " + r)));
            throw new ProbeSetException(
                    "attach",
                    what + ": no program attaches on this kernel (every slot is optional and empty):\n  - "
                            + String.join("\n  - ", why));
        }
        return chosen;
    }

    /**
     * fentry and fexit programs bind to their function before load; a function the kernel's BTF lacks (libbpf says
     * ESRCH) strikes that alternative. Returns the struck candidate, or null when all bound.
     */
    private static Candidate bindTraceTargets(
            BpfObject object, List<Candidate> chosen, Set<AttachSpec> struck, Map<String, List<String>> skipped) {
        for (Candidate c : chosen) {
            if (c.empty()) continue;
            AttachSpec.Kind kind = c.alt().kind();
            if (kind != AttachSpec.Kind.FENTRY && kind != AttachSpec.Kind.FEXIT) continue;
            try {
                object.program(c.alt().program()).setAttachTarget(c.target());
            } catch (BpfException e) {
                strike(
                        c,
                        e.errno() == Errno.ESRCH
                                ? "the kernel's BTF has no function " + c.target() + " (" + e.getMessage() + ")"
                                : e.getMessage(),
                        struck,
                        skipped);
                return c;
            }
        }
        return null;
    }

    private static void strike(Candidate c, String reason, Set<AttachSpec> struck, Map<String, List<String>> skipped) {
        struck.add(c.alt());
        String line = c.alt().describe() + ": " + reason;
        skipped.computeIfAbsent(c.slot().name(), k -> new ArrayList<>()).add(line);
        LOG.info("program {}: skipping {}", c.slot().name(), line);
    }

    private static BpfLink attach(BpfProgram program, Candidate c) {
        return switch (c.alt().kind()) {
            case FENTRY, FEXIT -> program.attachTrace(c.alt().kind().yamlName() + " " + c.target());
            case KPROBE -> program.attachKprobe(c.target(), false);
            case KRETPROBE -> program.attachKprobe(c.target(), true);
            case TRACEPOINT -> {
                int slash = c.target().indexOf('/');
                yield program.attachTracepoint(
                        c.target().substring(0, slash), c.target().substring(slash + 1));
            }
            case RAW_TRACEPOINT -> program.attachRawTracepoint(c.target());
            case UPROBE, URETPROBE -> {
                UprobeSpec u = c.alt().userTarget();
                yield program.attachUprobe(
                        c.target(), // the binary, as Preflight found it
                        u.symbol(),
                        u.offset() == null ? 0 : u.offset(),
                        u.pid() == null ? -1 : u.pid(),
                        c.alt().kind() == AttachSpec.Kind.URETPROBE,
                        c.alt().kind().yamlName() + " " + u.describe());
            }
            case USDT -> {
                UsdtSpec u = c.alt().usdt();
                yield program.attachUsdt(
                        c.target(), u.provider(), u.name(), u.pid() == null ? -1 : u.pid(), "usdt " + u.describe());
            }
            case PERF_EVENT -> {
                List<Integer> fds = new ArrayList<>();
                try {
                    BitSet cpus = OnlineCpus.read();
                    for (int cpu = cpus.nextSetBit(0); cpu >= 0; cpu = cpus.nextSetBit(cpu + 1))
                        fds.add(PerfEvents.open(c.alt().perfEvent(), cpu));
                } catch (RuntimeException e) {
                    fds.forEach(LibC::close);
                    throw e;
                }
                yield program.attachPerfEvents(fds, "perf_event " + c.target() + " on " + fds.size() + " CPUs");
            }
            case XDP -> program.attachXdp(ifindex(c.target()), "xdp " + c.target());
            case CGROUP -> program.attachCgroup(c.target());
            case TC -> program.attachTc(
                    ifindex(c.alt().tc().iface()),
                    c.alt().tc().egress(),
                    "tc " + c.alt().tc().describe());
            case AUTO -> program.attachAuto();
        };
    }

    /** The index of network interface {@code name} (Preflight saw it; gone since: ENODEV). */
    private static int ifindex(String name) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(name);
            if (nic == null) throw new BpfException("find network interface " + name, Errno.ENODEV);
            return nic.getIndex();
        } catch (SocketException e) {
            throw new BpfException("find network interface " + name + ": " + e.getMessage(), Errno.ENODEV);
        }
    }

    /** An iterator as {@code /probes} lists it beside the attached programs: "iter task". */
    private static ProgramStatus iteratorStatus(String name, BpfProgram program) {
        String section = program.sectionName();
        return new ProgramStatus(
                name, program.name(), "iter " + section.substring(section.indexOf('/') + 1), List.of());
    }

    /** Each tail-call map's entries: index to the loaded program's fd. */
    private static void fillTailCalls(ProbeSetConfig config, BpfObject object) {
        try (Memory key = new Memory(4);
                Memory value = new Memory(4)) {
            for (TailCallSpec t : config.spec().tailCalls()) {
                BpfMap map = object.map(t.map());
                for (Map.Entry<Integer, String> e : t.entries().entrySet()) {
                    key.setInt(0, e.getKey());
                    value.setInt(0, object.program(e.getValue()).fd());
                    map.update(key, value);
                }
            }
        }
    }

    /** Readers first (their threads stop and their rings go), then links, then the object. */
    private static void closeAll(List<EventReader> readers, List<BpfLink> links, BpfObject object) {
        for (int i = readers.size() - 1; i >= 0; i--) readers.get(i).close();
        for (int i = links.size() - 1; i >= 0; i--) links.get(i).close();
        object.close();
    }
}
