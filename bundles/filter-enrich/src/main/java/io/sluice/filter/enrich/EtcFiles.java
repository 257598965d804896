package io.sluice.filter.enrich;

import java.nio.file.Path;

/** Files named in a chain: relative to Karaf's etc/. */
final class EtcFiles {
    private EtcFiles() {
    }

    static Path resolve(String file) {
        Path p = Path.of(file.strip());
        String etc = System.getProperty("karaf.etc");
        return p.isAbsolute() || etc == null ? p : Path.of(etc).resolve(p);
    }
}
