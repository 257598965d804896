package io.sluice.api.component;

import java.util.Map;

/**
 * The name of a component made by a factory configuration, as {@code sluice:status} shows it: the
 * configured {@code name} if set, else {@code <kind>-<suffix>} where the suffix is what follows the
 * dash of the configuration's file name ({@code io.sluice.shipper.pgsql-main.cfg} → {@code
 * pgsql-main}) or follows the {@code ~} of its PID.
 */
public final class ComponentNames {
    private ComponentNames() {
    }

    /** This machine's host name, the default node name of cluster-wide components; "localhost" if unknown. */
    public static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    /**
     * @param configured the configured name (blank: derive it)
     * @param props      the configuration's properties ({@code service.pid},
     *                   {@code felix.fileinstall.filename})
     * @param kind       the prefix, e.g. {@code file}, {@code pgsql}
     */
    public static String of(String configured, Map<String, ?> props, String kind) {
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        Object pidValue = props.get("service.pid");
        String pid = pidValue == null ? "" : pidValue.toString();
        int tilde = pid.indexOf('~');
        String suffix = tilde >= 0 ? pid.substring(tilde + 1) : null;
        if (suffix == null) {
            Object file = props.get("felix.fileinstall.filename");
            if (file != null) {
                String f = file.toString();
                f = f.substring(f.lastIndexOf('/') + 1);
                int dash = f.indexOf('-');
                if (dash >= 0 && f.endsWith(".cfg")) {
                    suffix = f.substring(dash + 1, f.length() - 4);
                }
            }
        }
        if (suffix == null || suffix.isBlank()) {
            return kind;
        }
        return suffix.startsWith(kind) ? suffix : kind + "-" + suffix;
    }
}
