package io.github.localllm.backend.ollama;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Reads an Ollama address the way Ollama's own client reads {@code OLLAMA_HOST}
 * (ollama/ollama envconfig {@code Host} and {@code ConnectableHost}), so that the SDK talks to the
 * server the {@code ollama} command does: surrounding spaces and quotes are dropped; the scheme is
 * optional ({@code http}, or {@code https} for the bare name {@code ollama.com}); without a port
 * the default is 11434, or 80 and 443 when {@code http://} or {@code https://} is written; an
 * invalid port falls back to the default; a path is kept (a server behind a proxy); an address
 * for binding (empty, {@code 0.0.0.0}, {@code ::}) means this machine's loopback.
 */
final class OllamaHost {
    /** Where Ollama listens unless told otherwise. */
    static final URI DEFAULT = URI.create("http://127.0.0.1:11434");

    private OllamaHost() {
    }

    /**
     * @param value an {@code OLLAMA_HOST} value or an {@code ollama.url} setting; blank for the default
     * @return the address to connect to
     * @throws IllegalArgumentException if the scheme is not http or https, or the host cannot be an address
     */
    static URI parse(String value) {
        String s = strip(value == null ? "" : value);
        String defaultPort = "11434";
        String scheme = "http";
        String hostport = s;
        int sep = s.indexOf("://");
        if (sep < 0) {
            if (s.equals("ollama.com")) {
                scheme = "https";
                hostport = "ollama.com:443";
            }
        } else {
            scheme = s.substring(0, sep).toLowerCase(Locale.ROOT);
            hostport = s.substring(sep + 3);
            if (scheme.equals("http")) {
                defaultPort = "80";
            } else if (scheme.equals("https")) {
                defaultPort = "443";
            } else {
                throw new IllegalArgumentException("'" + scheme + "' is not a scheme Ollama serves; write the address"
                        + " as host:port, http://host:port or https://host");
            }
        }
        String path = "";
        int slash = hostport.indexOf('/');
        if (slash >= 0) {
            path = hostport.substring(slash + 1);
            hostport = hostport.substring(0, slash);
        }
        String[] split = splitHostPort(hostport);
        String host;
        String port;
        if (split == null) {
            port = defaultPort;
            String bare = hostport.startsWith("[") && hostport.endsWith("]")
                    ? hostport.substring(1, hostport.length() - 1) : hostport;
            host = hostport.isEmpty() ? "127.0.0.1" : bare;
        } else {
            host = split[0];
            port = split[1];
        }
        if (!validPort(port)) {
            port = defaultPort;
        }
        host = connectable(host);
        String authority = host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
        try {
            return new URI(scheme + "://" + authority + (path.isEmpty() ? "" : "/" + path));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + authority + "' is not a host and port (" + e.getReason()
                    + "); write it as host:port, e.g. 127.0.0.1:11434", e);
        }
    }

    /** Go's {@code strings.TrimSpace} of {@code Trim(TrimSpace(v), "\"'")}. */
    private static String strip(String v) {
        String s = v.strip();
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == '"' || s.charAt(start) == '\'')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == '"' || s.charAt(end - 1) == '\'')) {
            end--;
        }
        return s.substring(start, end).strip();
    }

    /**
     * Go's {@code net.SplitHostPort}: {@code host:port} or {@code [v6]:port}; {@code null} when the
     * text has no port or more than one unbracketed colon.
     */
    private static String[] splitHostPort(String hostport) {
        if (hostport.startsWith("[")) {
            int close = hostport.indexOf(']');
            if (close < 0 || close + 1 >= hostport.length() || hostport.charAt(close + 1) != ':') {
                return null;
            }
            return new String[] {hostport.substring(1, close), hostport.substring(close + 2)};
        }
        int colon = hostport.lastIndexOf(':');
        if (colon < 0 || hostport.indexOf(':') != colon) {
            return null;
        }
        return new String[] {hostport.substring(0, colon), hostport.substring(colon + 1)};
    }

    private static boolean validPort(String port) {
        if (port.isEmpty() || port.length() > 6 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        return Integer.parseInt(port) <= 65535;
    }

    /** An address for binding (all interfaces, or none given) is reached through the loopback. */
    private static String connectable(String host) {
        if (host.isEmpty() || host.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        if (host.equals("::") || host.replace("0", "").equals("::") || host.equalsIgnoreCase("0:0:0:0:0:0:0:0")) {
            return "::1";
        }
        return host;
    }
}
