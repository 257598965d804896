package io.sluice.itests;

import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.extra.VMOption;

/** Pax Exam options that boot the built Sluice distribution offline, on free loopback ports. */
final class SluiceOptions {
    private SluiceOptions() {
    }

    static Option[] distribution(Option... extra) {
        String karafVersion = required("karaf.version");
        File tarGz = new File(required("sluice.distribution"));
        if (!tarGz.isFile()) {
            throw new IllegalStateException("the distribution " + tarGz + " is not built: run the build from the top");
        }
        String localRepo = required("maven.repo.local");
        // Every run gets its own syslog ports, socket path and log directory: a developer's running
        // Sluice, or a parallel build, never collides with it. Tests read them back from these
        // system properties inside the container.
        Path work;
        try {
            work = Files.createTempDirectory("sluice-itest-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String tcp = freePort();
        String udp = freeUdpPort();
        String relp = freePort();
        List<Option> options = new ArrayList<>(List.of(
                editConfigurationFilePut("etc/io.sluice.syslog.tcp-main.cfg", "port", tcp),
                editConfigurationFilePut("etc/io.sluice.syslog.udp-main.cfg", "port", udp),
                editConfigurationFilePut("etc/io.sluice.syslog.relp-main.cfg", "port", relp),
                editConfigurationFilePut("etc/io.sluice.syslog.unix-local.cfg", "path",
                        work.resolve("log.sock").toString()),
                editConfigurationFilePut("etc/io.sluice.shipper.file-main.cfg", "directory",
                        work.resolve("logs").toString()),
                systemProperty("sluice.itest.work").value(work.toString()),
                systemProperty("sluice.itest.tcp").value(tcp),
                systemProperty("sluice.itest.udp").value(udp),
                systemProperty("sluice.itest.relp").value(relp),
                karafDistributionConfiguration()
                        .frameworkUrl(tarGz.toURI().toString())
                        .karafVersion(karafVersion)
                        .name("Sluice")
                        .unpackDirectory(new File("target/exam"))
                        .useDeployFolder(false),
                keepRuntimeFolder(),
                logLevel(LogLevel.WARN),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                // Offline: the container resolves mvn: URLs from the build's local repository only.
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg",
                        "org.ops4j.pax.url.mvn.localRepository", localRepo),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", ""),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg",
                        "org.ops4j.pax.url.mvn.defaultRepositories", "file:" + localRepo + "@id=local@snapshots"),
                // Free ports so that a developer's running Sluice, or a parallel build, never collides.
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", freePort()),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", freePort()),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", freePort()),
                systemProperty("pax.exam.osgi.unresolved.fail").value("true"),
                mavenBundle().groupId("org.awaitility").artifactId("awaitility").versionAsInProject(),
                mavenBundle().groupId("org.hamcrest").artifactId("hamcrest").versionAsInProject()));
        options.addAll(jdk17VmOptions(karafVersion));
        options.addAll(List.of(extra));
        return options.toArray(new Option[0]);
    }

    /** The flags bin/karaf passes on JDK 9+; Pax Exam starts java itself and must repeat them. */
    private static List<Option> jdk17VmOptions(String karafVersion) {
        List<Option> o = new ArrayList<>();
        o.add(new VMOption("-Xmx512m"));
        o.add(new VMOption("--add-reads=java.xml=java.logging"));
        o.add(new VMOption("--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED"));
        o.add(new VMOption("--patch-module"));
        o.add(new VMOption("java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karafVersion + ".jar"));
        o.add(new VMOption("--patch-module"));
        o.add(new VMOption("java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karafVersion + ".jar"));
        for (String open : List.of("java.base/java.security", "java.base/java.net", "java.base/java.lang",
                "java.base/java.util", "java.naming/javax.naming.spi", "java.rmi/sun.rmi.transport.tcp")) {
            o.add(new VMOption("--add-opens"));
            o.add(new VMOption(open + "=ALL-UNNAMED"));
        }
        for (String export : List.of("java.base/sun.net.www.protocol.file", "java.base/sun.net.www.protocol.ftp",
                "java.base/sun.net.www.protocol.http", "java.base/sun.net.www.protocol.https",
                "java.base/sun.net.www.protocol.jar", "java.base/sun.net.www.content.text",
                "jdk.xml.dom/org.w3c.dom.html", "jdk.naming.rmi/com.sun.jndi.url.rmi",
                "java.rmi/sun.rmi.registry", "java.security.sasl/com.sun.security.sasl",
                "java.naming/com.sun.jndi.ldap")) {
            o.add(new VMOption("--add-exports=" + export + "=ALL-UNNAMED"));
        }
        return o;
    }

    static String freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return Integer.toString(s.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String freeUdpPort() {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return Integer.toString(s.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set (run through Maven failsafe)");
        }
        return v;
    }
}
