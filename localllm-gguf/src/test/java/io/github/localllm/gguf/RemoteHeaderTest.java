package io.github.localllm.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.InvalidModelFileException;
import io.github.localllm.ModelDownloadException;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.testkit.FakeHub;
import io.github.localllm.testkit.Fault;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remote model's header read through {@link GgufSource#http} and {@link GgufFile#read(URI)}: the
 * adapter over the HTTP layer's range reader (whose own tests cover requests, redirects and errors).
 */
class RemoteHeaderTest {
    private static final String REPO = "acme/Tiny-GGUF";
    private static final String GATED = "meta/Gated-GGUF";
    private static final String FILE = "tiny-Q8_0.gguf";
    private static final String TOKEN = "hf_secretTOKEN123";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");
    private static byte[] model;
    private static GgufFile local;

    private FakeHub hub;

    @BeforeAll
    static void writeModel(@TempDir Path dir) throws IOException {
        // About 3M parameters: a 12 MB file whose header (8192-token vocabulary) is a small part of it.
        Path file = dir.resolve(FILE);
        SyntheticModel.withParameterCount(3_000_000).build().write(file);
        model = Files.readAllBytes(file);
        local = GgufFile.read(file);
    }

    @AfterAll
    static void release() {
        model = null;
    }

    @BeforeEach
    void start() {
        hub = FakeHub.builder().file(REPO, FILE, model)
                .file(REPO, "README.md", "<!doctype html><html>model card</html>".getBytes(StandardCharsets.UTF_8))
                .file(REPO, "empty.gguf", new byte[0])
                .file(GATED, FILE, model).gated(GATED, TOKEN)
                .start();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private long bytesServed() {
        return hub.cdn().requests().stream().map(r -> RANGE.matcher(r.header("Range").orElse("")))
                .filter(Matcher::matches)
                .mapToLong(m -> Long.parseLong(m.group(2)) - Long.parseLong(m.group(1)) + 1).sum();
    }

    @Test
    void readsTheSameHeaderAsTheLocalFileWithoutDownloadingTheTensors() {
        GgufFile remote = GgufFile.read(hub.resolveUri(REPO, FILE));

        assertThat(remote.metadata().keys()).isEqualTo(local.metadata().keys());
        assertThat(remote.tensors()).isEqualTo(local.tensors());
        assertThat(remote.tensorDataOffset()).isEqualTo(local.tensorDataOffset());
        assertThat(remote.fileSize()).isEqualTo(model.length);
        assertThat(remote.model().blockCount()).isEqualTo(local.model().blockCount());
        assertThat(MemoryModel.of(remote).estimate(LoadSettings.builder(2048).build()))
                .isEqualTo(MemoryModel.of(local).estimate(LoadSettings.builder(2048).build()));
        assertThat(hub.cdn().requests()).extracting(r -> r.header("Range").orElse("none"))
                .containsExactly("bytes=0-1048575");
        assertThat(bytesServed()).isLessThan(model.length / 4);
    }

    @Test
    void aGatedModelIsReadWithTheCallersTokenAndClient() {
        GgufFile remote;
        try (GgufSource source = GgufSource.http(CLIENT, hub.resolveUri(GATED, FILE),
                Map.of("Authorization", "Bearer " + TOKEN), Duration.ofSeconds(10))) {
            assertThat(source.size()).isEqualTo(model.length);
            assertThat(source.description()).isEqualTo(hub.resolveUri(GATED, FILE).toString());
            remote = GgufFile.read(source);
        }

        assertThat(remote.tensors()).isEqualTo(local.tensors());
        assertThat(hub.cdn().requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
    }

    @Test
    void theHttpLayersErrorsComeThroughUnchanged() {
        assertThatThrownBy(() -> GgufFile.read(hub.resolveUri(REPO, "tiny-Q2_K.gguf")))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("HTTP 404 (EntryNotFound: Entry not found)");
        assertThatThrownBy(() -> GgufFile.read(hub.resolveUri(GATED, FILE)))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("HTTP 401 (GatedRepo: Access to model meta/Gated-GGUF is restricted")
                .hasMessageContaining("accept the model's terms");
        hub.cdn().inject(Fault.ignoreRange());
        assertThatThrownBy(() -> GgufFile.read(hub.resolveUri(REPO, FILE)))
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("does not serve byte ranges");
    }

    @Test
    void aPageThatIsNotGgufIsAnInvalidModelFileNamingTheAddress() {
        URI page = hub.resolveUri(REPO, "README.md");

        assertThatThrownBy(() -> GgufFile.read(page))
                .isInstanceOf(InvalidModelFileException.class)
                .hasMessageStartingWith(page + ": magic at byte 0: not a GGUF file");
    }

    @Test
    void anEmptyRemoteFileIsReportedAsEmpty() {
        assertThatThrownBy(() -> GgufFile.read(hub.resolveUri(REPO, "empty.gguf")))
                .isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("the file is empty (0 bytes)");
    }

    @Test
    void onlyHttpAddressesAreAccepted() {
        assertThatThrownBy(() -> GgufSource.http(URI.create("file:///tmp/model.gguf")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an http(s) address: file://");
        assertThatThrownBy(() -> GgufSource.http(CLIENT, hub.resolveUri(REPO, FILE), Map.of(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout must be positive");
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        assertThatThrownBy(() -> GgufSource.http(following, hub.resolveUri(REPO, FILE), Map.of(), Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the client follows redirects (NORMAL)");
    }
}
