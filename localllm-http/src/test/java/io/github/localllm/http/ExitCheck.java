package io.github.localllm.http;

/**
 * Run in a child JVM by {@link JvmExitTest}: one request, then main returns without
 * {@code System.exit}. The JVM must end by itself, so the transport must hold no live non-daemon thread.
 */
public final class ExitCheck {
    private ExitCheck() {
    }

    public static void main(String[] args) {
        HttpTransport http = HttpTransport.builder(args[0]).build();
        System.out.println("answer " + http.getJson("/ping"));
    }
}
