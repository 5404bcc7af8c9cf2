package dev.kprom.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * A TC (traffic control) hook for a {@code SEC("tc")} program: a network interface and a direction
 * ({@code ingress}, the default, or {@code egress}), through a clsact qdisc kprom adds when the interface has none.
 * <pre>
 * - program: tc_count
 *   tc: {interface: eth0, direction: egress}
 * </pre>
 */
public record TcSpec(@JsonProperty("interface") String iface, String direction) {
    public boolean egress() {
        return "egress".equals(direction);
    }

    /** "eth0 ingress". */
    public String describe() {
        return iface + " " + (egress() ? "egress" : "ingress");
    }

    List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (iface == null || iface.isBlank()) problems.add("tc.interface: is required");
        if (direction != null && !direction.equals("ingress") && !direction.equals("egress"))
            problems.add("tc.direction: must be ingress or egress (got \"" + direction + "\")");
        return problems;
    }
}
