package dev.kprom.agent.libbpf;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * libbpf 1.x, bound with JNA direct mapping. Each method is the C function of the same name; no logic
 * lives here. libbpf 1.x returns {@code -errno} from int functions and NULL (with errno set) from pointer
 * functions; callers turn those into {@link BpfException}s.
 */
public final class Libbpf {
    private Libbpf() {}

    static {
        Native.register(Libbpf.class, load());
    }

    private static NativeLibrary load() {
        UnsatisfiedLinkError first = null;
        // libbpf1 (the runtime package) ships only the versioned name; libbpf-dev adds libbpf.so.
        for (String name : new String[] {"libbpf.so.1", "bpf"}) {
            try {
                return NativeLibrary.getInstance(name);
            } catch (UnsatisfiedLinkError e) {
                if (first == null) first = e;
            }
        }
        throw new UnsatisfiedLinkError("libbpf not found (install the Debian package libbpf1): " + first.getMessage());
    }

    /** {@code int (*libbpf_print_fn_t)(enum libbpf_print_level level, const char *fmt, va_list ap)}. */
    public interface libbpf_print_fn_t extends Callback {
        int invoke(int level, Pointer fmt, Pointer ap);
    }

    public static final int LIBBPF_WARN = 0;
    public static final int LIBBPF_INFO = 1;
    public static final int LIBBPF_DEBUG = 2;

    public static native Pointer libbpf_set_print(libbpf_print_fn_t fn);

    public static native int libbpf_num_possible_cpus();

    // struct bpf_object
    public static native Pointer bpf_object__open_file(String path, Pointer opts);

    public static native Pointer bpf_object__open_mem(Pointer obj_buf, long obj_buf_sz, Pointer opts);

    public static native int bpf_object__load(Pointer obj);

    public static native void bpf_object__close(Pointer obj);

    public static native String bpf_object__name(Pointer obj);

    public static native Pointer bpf_object__next_program(Pointer obj, Pointer prev);

    public static native Pointer bpf_object__next_map(Pointer obj, Pointer prev);

    // struct bpf_program
    public static native String bpf_program__name(Pointer prog);

    public static native String bpf_program__section_name(Pointer prog);

    public static native int bpf_program__type(Pointer prog);

    public static native int bpf_program__set_autoload(Pointer prog, boolean autoload);

    public static native int bpf_program__fd(Pointer prog);

    public static native Pointer bpf_program__attach(Pointer prog);

    public static native Pointer bpf_program__attach_kprobe(Pointer prog, boolean retprobe, String func_name);

    public static native Pointer bpf_program__attach_tracepoint(Pointer prog, String tp_category, String tp_name);

    public static native Pointer bpf_program__attach_raw_tracepoint(Pointer prog, String tp_name);

    public static native Pointer bpf_program__attach_trace(Pointer prog);

    /** {@code struct bpf_uprobe_opts} as libbpf 1.1 has it (later versions accept this size). */
    @Structure.FieldOrder({"sz", "ref_ctr_offset", "bpf_cookie", "retprobe", "func_name"})
    public static final class bpf_uprobe_opts extends Structure {
        public long sz;
        public long ref_ctr_offset;
        public long bpf_cookie;
        public byte retprobe;
        public String func_name;

        public bpf_uprobe_opts() {
            sz = size();
        }
    }

    public static native Pointer bpf_program__attach_perf_event(Pointer prog, int pfd);

    public static native Pointer bpf_program__attach_xdp(Pointer prog, int ifindex);

    /** {@code opts} may be NULL: an iterator over every object of its kind (every task, every map). */
    public static native Pointer bpf_program__attach_iter(Pointer prog, Pointer opts);

    public static native int bpf_link__fd(Pointer link);

    public static native int bpf_iter_create(int link_fd);

    public static native Pointer bpf_program__attach_cgroup(Pointer prog, int cgroup_fd);

    // TC through netlink (libbpf 1.1 has no tcx links): struct bpf_tc_hook { size_t sz; int ifindex;
    // enum bpf_tc_attach_point attach_point; __u32 parent; } and struct bpf_tc_opts { size_t sz; int prog_fd;
    // __u32 flags, prog_id, handle, priority; }, both passed as memory laid out so.
    public static final int BPF_TC_INGRESS = 1;
    public static final int BPF_TC_EGRESS = 2;

    public static native int bpf_tc_hook_create(Pointer hook);

    public static native int bpf_tc_attach(Pointer hook, Pointer opts);

    public static native int bpf_tc_detach(Pointer hook, Pointer opts);

    public static native Pointer bpf_program__attach_usdt(
            Pointer prog, int pid, String binary_path, String usdt_provider, String usdt_name, Pointer opts);

    public static native Pointer bpf_program__attach_uprobe_opts(
            Pointer prog, int pid, String binary_path, long func_offset, bpf_uprobe_opts opts);

    public static native int bpf_program__set_attach_target(Pointer prog, int attach_prog_fd, String attach_func_name);

    // struct btf (the object's type information)
    public static native Pointer bpf_object__btf(Pointer obj);

    public static native int bpf_map__btf_key_type_id(Pointer map);

    public static native int bpf_map__btf_value_type_id(Pointer map);

    public static native Pointer btf__type_by_id(Pointer btf, int id);

    public static native String btf__name_by_offset(Pointer btf, int offset);

    public static native long btf__resolve_size(Pointer btf, int type_id);

    public static native int btf__resolve_type(Pointer btf, int type_id);

    public static native int btf__find_by_name_kind(Pointer btf, String type_name, int kind);

    public static native Pointer bpf_map__initial_value(Pointer map, Pointer psize);

    public static native int bpf_map__set_initial_value(Pointer map, Pointer data, long size);

    public static native Pointer bpf_map__inner_map(Pointer map);

    // struct bpf_link
    public static native int bpf_link__destroy(Pointer link);

    // struct bpf_map
    public static native String bpf_map__name(Pointer map);

    public static native int bpf_map__type(Pointer map);

    public static native int bpf_map__key_size(Pointer map);

    public static native int bpf_map__value_size(Pointer map);

    public static native int bpf_map__max_entries(Pointer map);

    public static native int bpf_map__set_max_entries(Pointer map, int max_entries);

    public static native int bpf_map__fd(Pointer map);

    public static native int bpf_map__map_flags(Pointer map);

    public static native int bpf_map__reuse_fd(Pointer map, int fd);

    public static native int bpf_map__set_pin_path(Pointer map, String path);

    public static native String bpf_map__pin_path(Pointer map);

    public static native boolean bpf_map__is_pinned(Pointer map);

    // bpf(2) wrappers (bpf/bpf.h)
    public static native int bpf_map_create(
            int map_type, String map_name, int key_size, int value_size, int max_entries, Pointer opts);

    public static native int bpf_obj_get(String pathname);

    public static native int bpf_map_lookup_elem(int fd, Pointer key, Pointer value);

    public static native int bpf_map_update_elem(int fd, Pointer key, Pointer value, long flags);

    public static native int bpf_map_delete_elem(int fd, Pointer key);

    public static native int bpf_map_get_next_key(int fd, Pointer key, Pointer next_key);

    public static native int bpf_map_lookup_batch(
            int fd, Pointer in_batch, Pointer out_batch, Pointer keys, Pointer values, Pointer count, Pointer opts);

    public static native int bpf_map_update_batch(int fd, Pointer keys, Pointer values, Pointer count, Pointer opts);

    public static native int bpf_obj_get_info_by_fd(int bpf_fd, Pointer info, Pointer info_len);

    public static native int bpf_prog_get_fd_by_id(int id);

    public static native int bpf_map_get_fd_by_id(int id);

    // The kernel's BPF objects by id (BPF_*_GET_NEXT_ID, BPF_*_GET_FD_BY_ID): CAP_SYS_ADMIN.
    public static native int bpf_prog_get_next_id(int start_id, Pointer next_id);

    public static native int bpf_map_get_next_id(int start_id, Pointer next_id);

    public static native int bpf_link_get_next_id(int start_id, Pointer next_id);

    public static native int bpf_link_get_fd_by_id(int id);

    // libbpf's names for the kernel's enums ("tracepoint", "hash", "perf_event"); NULL for a value it does not know.
    public static native String libbpf_bpf_prog_type_str(int t);

    public static native String libbpf_bpf_map_type_str(int t);

    public static native String libbpf_bpf_link_type_str(int t);

    public static native String libbpf_bpf_attach_type_str(int t);

    /** The BTF object {@code id} the kernel holds (a map's {@code btf_id}); free with {@link #btf__free}. */
    public static native Pointer btf__load_from_kernel_by_id(int id);

    public static native void btf__free(Pointer btf);
}
