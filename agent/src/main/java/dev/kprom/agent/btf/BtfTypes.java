package dev.kprom.agent.btf;

import com.sun.jna.Pointer;
import dev.kprom.agent.libbpf.Libbpf;
import dev.kprom.exporter.source.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads struct layouts from an object's BTF through libbpf. A {@code struct btf_type} is
 * {@code {u32 name_off; u32 info; u32 size_or_type;}}, followed for structs by {@code vlen} members of
 * {@code {u32 name_off; u32 type; u32 offset;}} (offset in bits; with kind_flag set, the low 24 bits).
 */
public final class BtfTypes {
    static final int KIND_INT = 1;
    static final int KIND_ARRAY = 3;
    static final int KIND_STRUCT = 4;
    static final int KIND_UNION = 5;
    static final int KIND_TYPEDEF = 8;
    static final int KIND_VOLATILE = 9;
    static final int KIND_CONST = 10;
    static final int KIND_VAR = 14;
    static final int KIND_DATASEC = 15;

    private final Pointer btf;

    public BtfTypes(Pointer btf) {
        this.btf = btf;
    }

    static int kind(Pointer type) {
        return (type.getInt(4) >>> 24) & 0x1f;
    }

    static int vlen(Pointer type) {
        return type.getInt(4) & 0xffff;
    }

    static boolean kindFlag(Pointer type) {
        return type.getInt(4) < 0;
    }

    /** The members of the struct (or union) type {@code typeId}, through typedefs and qualifiers; empty if not one. */
    public Optional<List<Field>> structFields(int typeId) {
        if (typeId <= 0) return Optional.empty();
        int id = skipModifiers(typeId);
        Pointer t = Libbpf.btf__type_by_id(btf, id);
        if (t == null || (kind(t) != KIND_STRUCT && kind(t) != KIND_UNION)) return Optional.empty();
        List<Field> fields = new ArrayList<>();
        int n = vlen(t);
        boolean bitfields = kindFlag(t);
        for (int i = 0; i < n; i++) {
            long m = 12 + 12L * i;
            String name = Libbpf.btf__name_by_offset(btf, t.getInt(m));
            int memberType = t.getInt(m + 4);
            int bitOffset = t.getInt(m + 8);
            if (bitfields) {
                if ((bitOffset >>> 24) != 0) continue; // a bitfield: not addressable as bytes
                bitOffset &= 0xffffff;
            }
            if (bitOffset % 8 != 0) continue;
            long size = Libbpf.btf__resolve_size(btf, memberType);
            if (size <= 0 || name == null || name.isEmpty()) continue;
            fields.add(new Field(name, bitOffset / 8, (int) size));
        }
        return Optional.of(fields);
    }

    /** The members of the struct named {@code name}, if the BTF has one. */
    public Optional<List<Field>> structFields(String name) {
        int id = Libbpf.btf__find_by_name_kind(btf, name, KIND_STRUCT);
        return id <= 0 ? Optional.empty() : structFields(id);
    }

    /**
     * Struct {@code name} as a key/value record: its {@code key} and {@code value} members. Empty when the BTF has no
     * such struct; an {@link IllegalArgumentException} saying what is wrong when it has one of another shape.
     */
    public Optional<KeyValueRecord> keyValueRecord(String name) {
        int id = Libbpf.btf__find_by_name_kind(btf, name, KIND_STRUCT);
        if (id <= 0) return Optional.empty();
        Pointer t = Libbpf.btf__type_by_id(btf, id);
        Field key = null;
        Field value = null;
        int keyType = 0;
        int valueType = 0;
        for (int i = 0; i < vlen(t); i++) {
            long m = 12 + 12L * i;
            String member = Libbpf.btf__name_by_offset(btf, t.getInt(m));
            int type = t.getInt(m + 4);
            int bitOffset = kindFlag(t) ? t.getInt(m + 8) & 0xffffff : t.getInt(m + 8);
            Field f = new Field(member, bitOffset / 8, (int) Libbpf.btf__resolve_size(btf, type));
            if ("key".equals(member)) {
                key = f;
                keyType = type;
            } else if ("value".equals(member)) {
                value = f;
                valueType = type;
            }
        }
        if (key == null || value == null) {
            throw new IllegalArgumentException("struct " + name + " must have members named key and value (has: "
                    + structFields(id).map(Field::names).orElse("") + ")");
        }
        return Optional.of(new KeyValueRecord(
                (int) Libbpf.btf__resolve_size(btf, id), key, structFields(keyType), value, structFields(valueType)));
    }

    /** The size of a type in bytes, or -1. */
    public long size(int typeId) {
        return typeId <= 0 ? -1 : Libbpf.btf__resolve_size(btf, typeId);
    }

    private int skipModifiers(int id) {
        for (int guard = 0; guard < 32; guard++) {
            Pointer t = Libbpf.btf__type_by_id(btf, id);
            if (t == null) return id;
            int k = kind(t);
            if (k != KIND_TYPEDEF && k != KIND_VOLATILE && k != KIND_CONST) return id;
            id = t.getInt(8);
        }
        return id;
    }

    /** Variables of a DATASEC such as {@code .rodata}: name, offset and size of each. */
    public List<Field> sectionVariables(String section) {
        int id = Libbpf.btf__find_by_name_kind(btf, section, KIND_DATASEC);
        if (id <= 0) return List.of();
        Pointer sec = Libbpf.btf__type_by_id(btf, id);
        List<Field> vars = new ArrayList<>();
        for (int i = 0; i < vlen(sec); i++) {
            long v = 12 + 12L * i; // struct btf_var_secinfo { u32 type; u32 offset; u32 size; }
            Pointer var = Libbpf.btf__type_by_id(btf, sec.getInt(v));
            if (var == null || kind(var) != KIND_VAR) continue;
            vars.add(new Field(Libbpf.btf__name_by_offset(btf, var.getInt(0)), sec.getInt(v + 4), sec.getInt(v + 8)));
        }
        return vars;
    }
}
