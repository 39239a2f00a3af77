package io.github.localllm.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The module's version, which the build writes into a resource, for the User-Agent header. */
final class Version {
    static final String VERSION = load();
    /** How every request names its client: servers and hubs ask clients to say who they are. */
    static final String USER_AGENT = "localllm/" + VERSION;

    private Version() {
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("localllm-http.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "dev").strip();
            // An unfiltered resource (an IDE build) still holds the placeholder.
            return version.isEmpty() || version.startsWith("$") ? "dev" : version;
        } catch (IOException e) {
            return "dev";
        }
    }
}
