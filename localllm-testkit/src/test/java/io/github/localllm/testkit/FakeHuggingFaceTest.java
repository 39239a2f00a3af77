package io.github.localllm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake Hub API against the samples in fixtures/hf. */
class FakeHuggingFaceTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final Pattern NEXT = Pattern.compile("<([^>]*)>; rel=\"next\"");

    private FakeHuggingFace hub;

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    private static HttpResponse<String> get(URI uri, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static FakeHuggingFace.Repository kimi() {
        return FakeHuggingFace.repository("moonshotai/Kimi-K2-Thinking").objectId("6909b87b734dd24dd19da3ef")
                .likes(578).trendingScore(580).downloads(5119)
                .tags("transformers", "safetensors", "kimi_k2", "text-generation", "conversational", "custom_code",
                        "license:other", "autotrain_compatible", "endpoints_compatible", "compressed-tensors",
                        "region:us")
                .pipelineTag("text-generation").library("transformers").createdAt("2025-11-04T08:25:31.000Z");
    }

    @Test
    void aDefaultSearchItemIsTheCapturedOneByteForByte() {
        hub = FakeHuggingFace.builder().repository(kimi()).start();
        HttpResponse<String> r = get(hub.uri("/api/models"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(r.body()).isEqualTo(Fixtures.compactJson("hf/models-list-default-response.json"));
    }

    @Test
    void anExpandedSearchAnswersOnlyTheExpandedMembersByteForByte() {
        hub = FakeHuggingFace.builder()
                .repository(FakeHuggingFace.repository("neonoodles/Qwen3.8-27B-Wildthing-ARA-MTP-GGUF")
                        .objectId("6a9e7e1cb1f1e4eb39556d8a").lastModified("2026-09-08T22:20:58.000Z").downloads(6)
                        .tags("gguf", "mtp").pipelineTag("text-generation").library("gguf")
                        .createdAt("2026-09-07T09:04:28.000Z")
                        .file(".gitattributes", 1519).file("Qwen3.8-27B-Wildthing-Q8_0.gguf", 28_000_000_000L))
                .repository(FakeHuggingFace.repository("mradermacher/Qwen3.8-27B-abliterated-GGUF")
                        .objectId("6a89b39c39eb84b2b2421a0d").lastModified("2026-09-08T21:47:30.000Z").downloads(1795)
                        .tags("gguf").library("transformers").createdAt("2026-08-22T14:35:08.000Z")
                        .file(".gitattributes", 1519).file("Qwen3.8-27B-Abliterated.Q3_K_M.gguf", 13_000_000_000L)
                        .file("Qwen3.8-27B-Abliterated.Q4_K_M.gguf", 16_000_000_000L))
                .start();
        HttpResponse<String> r = get(hub.uri("/api/models?search=qwen3.8&filter=gguf&expand=lastModified&expand=likes"
                + "&expand=private&expand=downloads&expand=tags&expand=pipeline_tag&expand=library_name"
                + "&expand=siblings&expand=createdAt"));
        assertThat(r.body()).isEqualTo(Fixtures.compactJson("hf/models-search-gguf-expand-response.json"));
    }

    @Test
    void modelInfoHasTheCapturedMembersInTheirOrder() {
        hub = FakeHuggingFace.builder().repository(FakeHuggingFace.repository("ggml-org/gemma-3-1b-it-GGUF")
                        .sha("f9c28bcd85737ffc5aef028638d3341d49869c27").downloads(186325).likes(38)
                        .license("gemma").baseModels("google/gemma-3-1b-it")
                        .gguf("gemma3", 32768, 999885952, 2006573568L)
                        .file(".gitattributes", 1519).file("README.md", 2412)
                        .file("gemma-3-1b-it-Q4_K_M.gguf", 806058240L).file("gemma-3-1b-it-Q8_0.gguf", 1069306112L)
                        .file("gemma-3-1b-it-f16.gguf", 2006573568L))
                .start();
        String body = get(hub.uri("/api/models/ggml-org/gemma-3-1b-it-GGUF")).body();
        // The captured gguf member carries a chat template (kilobytes of Jinja) this fake does not make up.
        String captured = Fixtures.compactJson("hf/model-info-gguf-response.json");
        int template = captured.indexOf("\"chat_template\":");
        captured = captured.substring(0, template) + captured.substring(captured.indexOf("\"bos_token\":", template));
        List<String> expected = Fixtures.keys(captured);
        assertThat(Fixtures.keys(body)).isEqualTo(expected);
        assertThat(body).contains("\"sha\":\"f9c28bcd85737ffc5aef028638d3341d49869c27\"", "\"gated\":false",
                "\"cardData\":{\"license\":\"gemma\",\"base_model\":[\"google/gemma-3-1b-it\"]}",
                "\"total\":999885952", "{\"rfilename\":\"gemma-3-1b-it-Q4_K_M.gguf\"}");
        // A revision by commit answers the same; another one is the Hub's RevisionNotFound.
        assertThat(get(hub.uri("/api/models/ggml-org/gemma-3-1b-it-GGUF/revision/f9c28bcd85737ffc5aef028638d3341d49869c27"))
                .body()).isEqualTo(body);
        HttpResponse<String> missing = get(hub.uri("/api/models/ggml-org/gemma-3-1b-it-GGUF/revision/v9"));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("X-Error-Code")).hasValue("RevisionNotFound");
    }

    @Test
    void treeEntriesHaveTheWireOrderAndTheLfsPointerOfARealFile() {
        hub = FakeHuggingFace.builder().repository(FakeHuggingFace.repository("ggml-org/gemma-3-1b-it-GGUF")
                        .file(".gitattributes", 1519, "a6344aac8c09253b3b630fb776ae94478aa0275b", null)
                        .file("README.md", 2412, "0000000000000000000000000000000000000001", null)
                        .file("gemma-3-1b-it-Q4_K_M.gguf", 806058240L, "0000000000000000000000000000000000000002",
                                "0000000000000000000000000000000000000000000000000000000000000a01")
                        .file("gemma-3-1b-it-Q8_0.gguf", 1069306112L, "0000000000000000000000000000000000000003",
                                "0000000000000000000000000000000000000000000000000000000000000a02")
                        .file("gemma-3-1b-it-f16.gguf", 2006573568L, "0000000000000000000000000000000000000004",
                                "0000000000000000000000000000000000000000000000000000000000000a03"))
                .repository(FakeHuggingFace.repository("google-bert/bert-base-uncased")
                        .file("pytorch_model.bin", 440473133L, "ba5d19791be1dd7992e33bd61f20207b0f7f50a5",
                                "097417381d6c7230bd9e3557456d726de6e83245ec8b24f529f60198a67b203a"))
                .start();
        String body = get(hub.uri("/api/models/ggml-org/gemma-3-1b-it-GGUF/tree/main?recursive=true")).body();
        // The constructed sample's pointer sizes are illustrative (135, 136); a real pointer of a 9-digit size is
        // 134 bytes (tree-response.json), 135 of a 10-digit one, as the fake computes them.
        String expected = Fixtures.compactJson("hf/tree-gguf-recursive-response-constructed.json")
                .replace("\"size\":806058240,\"pointerSize\":135", "\"size\":806058240,\"pointerSize\":134")
                .replace("\"size\":1069306112,\"pointerSize\":136", "\"size\":1069306112,\"pointerSize\":135")
                .replace("\"size\":2006573568,\"pointerSize\":136", "\"size\":2006573568,\"pointerSize\":135");
        assertThat(body).isEqualTo(expected);
        assertThat(get(hub.uri("/api/models/google-bert/bert-base-uncased/tree/main")).body())
                .contains("\"lfs\":{\"oid\":\"097417381d6c7230bd9e3557456d726de6e83245ec8b24f529f60198a67b203a\","
                        + "\"size\":440473133,\"pointerSize\":134}");
    }

    @Test
    void searchPagesFollowTheLinkHeaderToTheEnd() {
        FakeHuggingFace.Builder b = FakeHuggingFace.builder().pageSize(2);
        for (int i = 1; i <= 5; i++) {
            b.repository(FakeHuggingFace.repository("acme/model-" + i + "-GGUF").downloads(i * 10L)
                    .file("model-Q4_K_M.gguf", 1000L * i));
        }
        hub = b.start();
        List<String> ids = new ArrayList<>();
        URI next = hub.uri("/api/models?filter=gguf&sort=downloads&direction=-1");
        int pages = 0;
        while (next != null) {
            HttpResponse<String> r = get(next);
            pages++;
            Matcher m = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(r.body());
            while (m.find()) {
                ids.add(m.group(1));
            }
            Matcher link = NEXT.matcher(r.headers().firstValue("Link").orElse(""));
            next = link.find() ? URI.create(link.group(1)) : null;
            if (next != null) {
                assertThat(next.getHost()).isEqualTo("127.0.0.1");
                assertThat(next.getQuery()).contains("filter=gguf", "sort=downloads", "cursor=");
            }
        }
        assertThat(pages).isEqualTo(3);
        assertThat(ids).containsExactly("acme/model-5-GGUF", "acme/model-4-GGUF", "acme/model-3-GGUF",
                "acme/model-2-GGUF", "acme/model-1-GGUF");
    }

    @Test
    void anLfsFilesResolveIsTheCapturedRedirectAndTheCdnAnswersRangesWithItsOwnEtag() {
        byte[] bytes = "GGUF and some weights".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        hub = FakeHuggingFace.builder().repository(FakeHuggingFace.repository("Qwen/Qwen2.5-0.5B-Instruct-GGUF")
                .file("qwen2.5-0.5b-instruct-q4_k_m.gguf", bytes)).start();
        URI resolve = hub.resolveUri("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf");
        Raw.Response raw = Raw.get(resolve);
        // The reason phrase is the JDK server's own ("Temporary Redirect"); clients read only the code.
        assertThat(raw.status()).isEqualTo(302);
        // Every header of resolve-head-qwen-gguf-constructed.http but the Xet-only X-Xet-Hash (the JDK server
        // writes them in an order of its own, which HTTP leaves free).
        assertThat(headerNames(raw)).contains("content-type", "content-length", "location", "x-repo-commit",
                "x-linked-etag", "x-linked-size", "etag", "accept-ranges", "access-control-expose-headers");
        assertThat(raw.headers().get("content-type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(raw.headers().get("content-length")).isEqualTo(Integer.toString(
                ("Found. Redirecting to " + raw.headers().get("location")).length()));
        String sha256 = sha256(bytes);
        assertThat(raw.headers().get("x-linked-etag")).isEqualTo("\"" + sha256 + "\"");
        assertThat(raw.headers().get("x-linked-size")).isEqualTo(Integer.toString(bytes.length));
        assertThat(raw.headers().get("x-repo-commit")).isEqualTo(FakeHuggingFace.COMMIT);
        assertThat(raw.headers().get("etag")).isNotEqualTo("\"" + sha256 + "\"");
        assertThat(raw.headers().get("access-control-expose-headers")).isEqualTo("X-Repo-Commit,X-Request-Id,"
                + "X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,Accept-Ranges,Content-Range,X-Linked-Size,"
                + "X-Linked-ETag,X-Xet-Hash");
        String location = raw.headers().get("location");
        assertThat(location).startsWith(hub.cdn().uri() + "/xet-bridge-us/").contains("X-Amz-Expires=3600")
                .endsWith("&response-content-disposition=inline%3B+filename%3D%22qwen2.5-0.5b-instruct-q4_k_m.gguf%22");
        HttpResponse<String> range = get(URI.create(location), "Range", "bytes=5-");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo("and some weights");
        assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 5-20/21");
        assertThat(range.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(range.headers().firstValue("ETag")).hasValueSatisfying(e -> assertThat(e).matches("\"[0-9a-f]{32}\""));
        assertThat(get(URI.create(location), "Range", "bytes=21-").statusCode()).isEqualTo(416);
    }

    @Test
    void aFileKeptInGitIsServedByTheHubItselfWithItsBlobIdAsEtag() {
        byte[] text = "{\"model_type\": \"qwen2\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        hub = FakeHuggingFace.builder().repository(FakeHuggingFace.repository("acme/Tiny-GGUF").file("config.json", text))
                .start();
        URI resolve = hub.resolveUri("acme/Tiny-GGUF", "config.json");
        // As `git hash-object` prints it for these bytes.
        assertThat(gitBlobId(text)).isEqualTo("8bd750397253142f2bc6dc7207a6dcd4cad81ecb");
        HttpResponse<String> whole = get(resolve);
        // resolve-head-non-lfs.http: 200 from the Hub, X-Repo-Commit, the quoted git blob SHA-1, no X-Linked-*.
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(new String(text, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(whole.headers().firstValue("X-Repo-Commit")).hasValue(FakeHuggingFace.COMMIT);
        assertThat(whole.headers().firstValue("ETag")).hasValue("\"" + gitBlobId(text) + "\"");
        assertThat(whole.headers().firstValue("Content-Length")).hasValue(Integer.toString(text.length));
        assertThat(whole.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(whole.headers().firstValue("X-Linked-Etag")).isEmpty();
        assertThat(whole.headers().firstValue("X-Linked-Size")).isEmpty();
        HttpResponse<String> first = get(resolve, "Range", "bytes=0-0");
        assertThat(first.statusCode()).isEqualTo(206);
        assertThat(first.headers().firstValue("Content-Range")).hasValue("bytes 0-0/" + text.length);
        assertThat(hub.cdn().requests()).isEmpty();
    }

    private static List<String> headerNames(Raw.Response raw) {
        String text = new String(raw.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        List<String> names = new ArrayList<>();
        for (String line : text.substring(0, text.indexOf("\r\n\r\n")).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("HTTP/")) {
                names.add(line.substring(0, colon).toLowerCase(java.util.Locale.ROOT));
            }
        }
        return names;
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What {@code git hash-object} prints: SHA-1 of "blob <length>", a NUL byte, and the bytes. */
    private static String gitBlobId(byte[] bytes) {
        try {
            java.security.MessageDigest sha1 = java.security.MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + bytes.length).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            sha1.update((byte) 0);
            sha1.update(bytes);
            return java.util.HexFormat.of().formatHex(sha1.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void errorsAreTheHubsCodesAndARateLimitCarriesRetryAfter() {
        hub = FakeHuggingFace.builder().repository(FakeHuggingFace.repository("meta/Gated-GGUF").gated("manual", "hf_ok")
                .file("gated-Q4_K_M.gguf", new byte[] {'G', 'G', 'U', 'F'})).start();
        HttpResponse<String> anonymous = get(hub.uri("/api/models/nobody/nothing"));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("X-Error-Code")).hasValue("RepoNotFound");
        assertThat(anonymous.body()).isEqualTo("{\"error\":\"Invalid username or password.\"}");
        assertThat(get(hub.uri("/api/models/nobody/nothing"), "Authorization", "Bearer hf_x").statusCode()).isEqualTo(404);
        // A gated repository's info is public, with its gating; its files need an accepted token.
        assertThat(get(hub.uri("/api/models/meta/Gated-GGUF")).body()).contains("\"gated\":\"manual\"");
        HttpResponse<String> file = get(hub.resolveUri("meta/Gated-GGUF", "gated-Q4_K_M.gguf"));
        assertThat(file.statusCode()).isEqualTo(401);
        assertThat(file.headers().firstValue("X-Error-Code")).hasValue("GatedRepo");
        assertThat(get(hub.resolveUri("meta/Gated-GGUF", "gated-Q4_K_M.gguf"), "Authorization", "Bearer hf_no")
                .statusCode()).isEqualTo(403);
        assertThat(get(hub.resolveUri("meta/Gated-GGUF", "gated-Q4_K_M.gguf"), "Authorization", "Bearer hf_ok")
                .statusCode()).isEqualTo(302);
        HttpResponse<String> entry = get(hub.uri("/api/models/meta/Gated-GGUF/tree/main/no-such-dir"));
        assertThat(entry.headers().firstValue("X-Error-Code")).hasValue("EntryNotFound");
        hub.injectNext(1, Fault.httpStatus(429, Duration.ofSeconds(7)));
        HttpResponse<String> limited = get(hub.uri("/api/models"));
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(limited.body()).isEqualTo("{\"error\":\"Too Many Requests\"}");
    }
}
