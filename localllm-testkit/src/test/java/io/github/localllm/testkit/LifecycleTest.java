package io.github.localllm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.testkit.FakeOpenAi.Flavor;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    private static Set<Thread> liveThreads() {
        return new HashSet<>(Thread.getAllStackTraces().keySet());
    }

    @Test
    void closingEveryServerEndsAllThreadsItStarted() throws Exception {
        Set<Thread> before = liveThreads();
        List<FakeServer> servers = List.of(FakeOllama.builder().model("llama3.2").start(),
                FakeOpenAi.builder(Flavor.LLAMA_CPP).model("m").start(), FakeLmStudio.builder().model("m").start(),
                FakeRangeServer.builder().file("/f", new byte[16]).start());
        for (FakeServer s : servers) {
            Raw.get(s.uri("/"));
            Client.get(s.uri("/"));
        }
        Set<Thread> during = liveThreads();
        during.removeAll(before);

        servers.forEach(FakeServer::close);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Set<Thread> left;
        do {
            left = liveThreads().stream().filter(t -> !before.contains(t))
                    .filter(t -> !t.isDaemon() || t.getName().startsWith("fake-")).collect(Collectors.toSet());
            if (!left.isEmpty()) {
                Thread.sleep(20);
            }
        } while (!left.isEmpty() && System.nanoTime() < deadline);

        // The servers did run threads of their own: dispatchers (non-daemon) and handlers (daemon).
        assertThat(during).anyMatch(t -> t.getName().startsWith("fake-")).anyMatch(t -> !t.isDaemon());
        assertThat(left).as("threads left after close").isEmpty();
    }

    @Test
    void closingInterruptsAStalledAnswerAndTheClientSeesTheConnectionDrop() throws Exception {
        FakeOllama ollama = FakeOllama.builder().model("llama3.2").fault(Fault.stallAfter(1, Duration.ofSeconds(60))).start();
        CompletableFuture<HttpResponse<String>> pending = Client.HTTP.sendAsync(HttpRequest.newBuilder(ollama.uri("/api/chat"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        while (ollama.requests().isEmpty()) {
            Thread.sleep(10);
        }

        long start = System.nanoTime();
        ollama.close();
        long closeMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(closeMillis).isLessThan(5_000);
        assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void theSocketIsClosedAfterClose() {
        FakeLmStudio lms = FakeLmStudio.builder().start();
        int port = lms.port();
        assertThat(lms.uri().toString()).isEqualTo("http://127.0.0.1:" + port);

        lms.close();

        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    }
}
