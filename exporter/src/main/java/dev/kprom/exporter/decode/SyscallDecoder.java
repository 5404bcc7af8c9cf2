package dev.kprom.exporter.decode;

import java.util.Map;

/** {@code syscall}: a syscall number as its name, for x86_64 (default on x86_64 hosts) or arm64 ({@code arch}). */
public final class SyscallDecoder implements Decoder {
    private final Map<Long, String> names;

    public SyscallDecoder(String arch) {
        this.names = NumberTable.load("decode/syscalls-" + canonical(arch) + ".tsv");
    }

    /** "x86_64" or "arm64" for the names Java and the kernel use; else an IllegalArgumentException. */
    static String canonical(String arch) {
        return switch (arch) {
            case "x86_64", "amd64" -> "x86_64";
            case "arm64", "aarch64" -> "arm64";
            default -> throw new IllegalArgumentException("arch: must be x86_64 or arm64 (got \"" + arch + "\")");
        };
    }

    @Override
    public byte[] decode(byte[] in, KeyContext key) {
        long nr = Ints.unsigned(in);
        String name = names.get(nr);
        return Ints.text(name != null ? name : "unknown_" + nr);
    }
}
