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

    /** open(path, flags): glibc makes it an openat(); returns -1 (errno set) for a path that does not exist. */
    public static native int open(String path, int flags);

    /** prctl(PR_SET_NAME, name): sets this thread's comm, as the kernel reports it. */
    public static native int prctl(int option, String arg2, long arg3, long arg4, long arg5);

    public static final int PR_SET_NAME = 15;

    /** sched_setaffinity(0, ...): binds the calling thread to the CPUs whose bits are set in {@code mask}. */
    public static native int sched_setaffinity(int pid, long cpusetsize, long[] mask);

    /** Runs {@code body} on CPU {@code cpu} only, then lets this thread run anywhere again. */
    public static void onCpu(int cpu, Runnable body) {
        if (sched_setaffinity(0, 8, new long[] {1L << cpu}) != 0)
            throw new IllegalStateException("sched_setaffinity to CPU " + cpu + " failed");
        try {
            body.run();
        } finally {
            sched_setaffinity(0, 8, new long[] {-1L});
        }
    }
}
