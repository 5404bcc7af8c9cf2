package dev.kprom.exporter.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kprom.exporter.decode.KeyContext;
import dev.kprom.exporter.decode.LabelDecoder;
import dev.kprom.exporter.source.Field;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One record as a line of JSON, fields in record order, each decoded with its stream's decoders; a field without
 * decoders is a number (1 to 8 bytes) or hex. For the connect stream:
 * <pre>
 * {"map":"connect_events","cpu":1,"duration_ns":48213,"pid":4242,"uid":0,"ret":"0","family":"ipv4","dport":"443","daddr":"10.0.0.7","comm":"curl"}
 * </pre>
 * (decoded fields are strings, undecoded integers numbers).
 * <pre>
 * </pre>
 * Decoder caches are not thread-safe: one instance per drain thread, or calls serialized by the caller.
 */
public final class RecordJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EventStream stream;
    private final List<Field> fields;
    private final LabelDecoder[] decoders;
    private final boolean[] numeric;

    public RecordJson(EventStream stream) {
        this.stream = stream;
        this.fields = stream.fields();
        this.decoders = fields.stream().map(stream::displayDecoder).toArray(LabelDecoder[]::new);
        this.numeric = new boolean[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            numeric[i] = stream.decoders(fields.get(i).name()).isEmpty()
                    && fields.get(i).isInteger();
        }
    }

    /** The record as one JSON object without a newline; a record too short for the layout gives its length only. */
    public synchronized String format(int ring, ByteBuffer buf, int offset, int length) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("map", stream.map());
        out.put("cpu", ring);
        Map<String, byte[]> raw = new HashMap<>();
        for (Field f : fields) {
            if (f.end() > length) {
                out.put("undecodable_length", length);
                return write(out);
            }
            byte[] b = new byte[f.size()];
            buf.get(offset + f.offset(), b);
            raw.put(f.name(), b);
        }
        KeyContext context = raw::get;
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            byte[] b = raw.get(f.name());
            if (numeric[i]) {
                long v = Field.readUnsigned(ByteBuffer.wrap(b).order(buf.order()), 0, b.length);
                out.put(f.name(), v >= 0 ? (Object) v : new java.math.BigInteger(Long.toUnsignedString(v)));
                continue;
            }
            try {
                out.put(f.name(), decoders[i].decode(b, context));
            } catch (IllegalArgumentException e) {
                out.put(f.name(), null);
            }
        }
        return write(out);
    }

    private static String write(Map<String, Object> out) {
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
