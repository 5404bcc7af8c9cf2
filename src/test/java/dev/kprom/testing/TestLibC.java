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
}
