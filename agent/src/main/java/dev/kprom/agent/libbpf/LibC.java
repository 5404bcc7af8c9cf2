package dev.kprom.agent.libbpf;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/** The few glibc functions kprom needs, bound with JNA direct mapping; each is the C function of the same name. */
public final class LibC {
    private LibC() {}

    static {
        Native.register(LibC.class, NativeLibrary.getInstance("c"));
    }

    /** glibc >= 2.32: "EPERM" for 1; NULL for numbers it has no name for. */
    public static native String strerrorname_np(int errnum);
    public static native String strerror(int errnum);
    public static native int vsnprintf(byte[] str, long size, Pointer format, Pointer ap);
    public static native int mount(String source, String target, String filesystemtype, long mountflags, Pointer data);
    public static native int close(int fd);
    public static native int geteuid();
}
