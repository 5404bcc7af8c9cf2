package dev.kprom.exporter.decode;

import java.util.Map;

/**
 * {@code errno}: an errno, positive or negative (a syscall's return value), as its name: -13 and 13 both give
 * {@code EACCES}; 0 gives {@code 0}; numbers without a name stay numbers.
 */
public final class ErrnoDecoder implements Decoder {
    private static final Map<Long, String> NAMES = NumberTable.load("decode/errno.tsv");
    /** Kernel-internal codes that leak to user space and BPF (include/linux/errno.h), not in the uapi headers. */
    private static final Map<Long, String> KERNEL = Map.of(
            512L,
            "ERESTARTSYS",
            513L,
            "ERESTARTNOINTR",
            514L,
            "ERESTARTNOHAND",
            515L,
            "ENOIOCTLCMD",
            516L,
            "ERESTART_RESTARTBLOCK",
            524L,
            "ENOTSUPP");

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        long v = Math.abs(Ints.signed(in));
        if (v == 0) return Ints.text(0);
        String name = NAMES.getOrDefault(v, KERNEL.get(v));
        return name != null ? Ints.text(name) : Ints.text(v);
    }
}
