package io.github.localllm.store.internal;

import java.net.URI;
import java.util.Locale;

/** Rules for the addresses a download may use, and how they are named in messages. */
public final class Addresses {
    private Addresses() {
    }

    /**
     * @param uri an address
     * @return it without user info, query or fragment, which may hold credentials or signatures
     */
    public static String label(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme() + "://";
        String host = uri.getHost() == null ? "" : uri.getHost();
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return scheme + host + port + path;
    }

    /**
     * Plain HTTP is accepted only to this machine's loopback address, since anything between here
     * and a remote host could change the bytes (the hash would catch it, after gigabytes) or read a
     * token; a host name other than {@code localhost} is not looked up, so DNS cannot make a remote
     * host look local.
     *
     * @param uri an address
     * @param allowPlainHttp whether plain HTTP to remote hosts was explicitly allowed
     * @return null when the address may be used, otherwise why not
     */
    public static String refusal(URI uri, boolean allowPlainHttp) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !scheme.equals("https") && !scheme.equals("http")) {
            return label(uri) + " is not an http(s) address with a host";
        }
        if (scheme.equals("http") && !allowPlainHttp && !isLoopback(uri.getHost())) {
            return label(uri) + " uses plain HTTP to a remote host, which anyone on the way can read and change; "
                    + "use https, or allow plain HTTP explicitly (Downloader.Builder.allowPlainHttp) for a trusted mirror";
        }
        return null;
    }

    /** @return whether the host is a loopback name or address, without a DNS lookup */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    /** @return whether both addresses are on the same scheme, host and port */
    static boolean sameOrigin(URI a, URI b) {
        return a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b)
                && String.valueOf(a.getScheme()).equalsIgnoreCase(String.valueOf(b.getScheme()));
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
