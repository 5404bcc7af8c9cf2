package dev.kprom.testing;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/** Syscalls tests make on purpose, so that probes have something exact to count. */
public final class TestLibC {
    static {
        Native.register(TestLibC.class, NativeLibrary.getInstance("c"));
    }

    private TestLibC() {}

    public static native int getppid();

    public static native int gettid();

    /** prctl(PR_SET_NAME, name): sets this thread's comm, as the kernel reports it. */
    public static native int prctl(int option, String arg2, long arg3, long arg4, long arg5);

    public static final int PR_SET_NAME = 15;
}
