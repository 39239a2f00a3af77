package io.github.localllm.store.internal;

import io.github.localllm.ModelDownloadException;
import io.github.localllm.ModelRef;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.event.LocalLlmEventListener;
import io.github.localllm.spi.DownloadPlan;
import io.github.localllm.spi.ModelResolver;
import io.github.localllm.store.Downloader;
import io.github.localllm.store.ModelLibrary;
import io.github.localllm.store.StoreKeys;
import io.github.localllm.store.StoredModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The store as {@link io.github.localllm.LocalLlm}'s model resolver: Hub files (a split model's first
 * shard brings every shard) and addresses are looked for in the {@link ModelLibrary} (the Hugging Face
 * cache, the library's records) and downloaded, Hub files into the Hugging Face cache layout, addresses
 * into the library's home. Configuration: {@link StoreKeys}.
 */
public final class StoreResolver implements ModelResolver {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern SPLIT = Pattern.compile("(.*)-(\\d{5})-of-(\\d{5})\\.gguf");
    private static final String USER_AGENT = "localllm (model store; java " + Runtime.version().feature() + ")";

    /** For {@link java.util.ServiceLoader}. */
    public StoreResolver() {
    }

    @Override
    public boolean accepts(ModelRef model) {
        return model instanceof ModelRef.Hub || model instanceof ModelRef.Url;
    }

    @Override
    public Optional<Path> find(ModelRef model, LocalLlmConfig config) {
        try (ModelLibrary library = library(config, null)) {
            return library.find(model).map(StoredModel::path);
        }
    }

    @Override
    public DownloadPlan plan(ModelRef model, LocalLlmConfig config) {
        if (model instanceof ModelRef.Url url) {
            Path destination;
            try (ModelLibrary library = library(config, null)) {
                destination = library.home().resolve("downloads");
            }
            // Any server: its redirects are followed (never from https to http), and no token goes anywhere.
            Head head = head(Client.FOLLOWING, url.uri(), Optional.empty());
            return new DownloadPlan(model, url.uri(), head.size(), head.sha256(), destination);
        }
        ModelRef.Hub hub = (ModelRef.Hub) model;
        URI address;
        Path destination;
        List<URI> others = new ArrayList<>();
        try (ModelLibrary library = library(config, null)) {
            address = library.addressOf(hub);
            destination = library.hfCache();
            Matcher split = SPLIT.matcher(hub.file());
            if (split.matches() && Integer.parseInt(split.group(2)) == 1) {
                // A split model's first shard brings every shard: the plan's size is all of them.
                int count = Integer.parseInt(split.group(3));
                for (int i = 2; i <= count; i++) {
                    String shard = String.format(Locale.ROOT, "%s-%05d-of-%s.gguf", split.group(1), i, split.group(3));
                    others.add(library.addressOf(new ModelRef.Hub(hub.repository(), shard, hub.revision())));
                }
            }
        }
        Optional<String> token = token(config);
        // Not followed: the Hub's redirect itself names the file's size and hash (X-Linked-Size,
        // X-Linked-Etag), as huggingface_hub reads them, and the CDN need not be asked.
        Head first = head(Client.HUB, address, token);
        OptionalLong size = first.size();
        for (URI shard : others) {
            OptionalLong more = head(Client.HUB, shard, token).size();
            size = size.isPresent() && more.isPresent() ? OptionalLong.of(size.getAsLong() + more.getAsLong())
                    : OptionalLong.empty();
        }
        return new DownloadPlan(model, address, size, first.sha256(), destination);
    }

    /** What a HEAD request says of a file. */
    private record Head(OptionalLong size, Optional<String> sha256) {
    }

    private static Head head(HttpClient client, URI address, Optional<String> token) {
        String refusal = Addresses.refusal(address, false);
        if (refusal != null) {
            throw new ModelDownloadException(refusal);
        }
        HttpRequest.Builder head = HttpRequest.newBuilder(address).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .timeout(PROBE_TIMEOUT).header("Accept-Encoding", "identity").header("User-Agent", USER_AGENT);
        token.ifPresent(t -> head.header("Authorization", "Bearer " + t));
        HttpResponse<BodyBuffers> response;
        try {
            response = client.send(head.build(), BodyBuffers.handler());
        } catch (IOException e) {
            throw new ModelDownloadException("cannot reach " + Addresses.label(address) + " (" + e + "); check the"
                    + " network, or set hf.endpoint (StoreKeys.HF_ENDPOINT) to a mirror you can reach", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelDownloadException("interrupted while asking " + Addresses.label(address), e);
        }
        try (RemoteAnswer answer = new RemoteAnswer(address, response, Optional.empty(), -1, Optional.empty())) {
            int status = answer.status();
            if (status >= 400) {
                throw Failures.of(Addresses.label(address), answer);
            }
            OptionalLong size = answer.header("X-Linked-Size").map(StoreResolver::number)
                    .orElseGet(() -> status == 200 ? response.headers().firstValueAsLong("Content-Length")
                            : OptionalLong.empty());
            Optional<String> sha256 = answer.header("X-Linked-Etag").map(Remote::unquote)
                    .filter(e -> e.matches("[0-9a-fA-F]{64}"));
            return new Head(size, sha256);
        }
    }

    private static OptionalLong number(String text) {
        try {
            long n = Long.parseLong(text.strip());
            return n >= 0 ? OptionalLong.of(n) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public Path download(DownloadPlan plan, LocalLlmConfig config, LocalLlmEventListener listener) {
        try (Downloader downloader = Downloader.builder().listener(listener).build();
             ModelLibrary library = library(config, downloader)) {
            if (plan.model() instanceof ModelRef.Url url) {
                return library.download(url).path();
            }
            return library.download((ModelRef.Hub) plan.model(), plan.sha256()).path();
        }
    }

    private static Optional<String> token(LocalLlmConfig config) {
        return config.get(StoreKeys.HF_TOKEN).or(() -> Optional.ofNullable(System.getenv("StoreKeys.HF_TOKEN")))
                .map(String::strip).filter(t -> !t.isEmpty());
    }

    private static ModelLibrary library(LocalLlmConfig config, Downloader downloader) {
        ModelLibrary.Builder b = ModelLibrary.builder();
        config.get(StoreKeys.HF_CACHE).map(Path::of).ifPresent(b::hfCache);
        config.get(StoreKeys.STORE_HOME).map(Path::of).ifPresent(b::home);
        config.get(StoreKeys.HF_ENDPOINT).map(URI::create).ifPresent(b::endpoint);
        token(config).ifPresent(b::token);
        if (downloader != null) {
            b.downloader(downloader);
        }
        return b.build();
    }

    /** One client for every probe, made on first use; its threads are daemons and idle ones end. */
    private static final class Client {
        static final HttpClient HUB = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(PROBE_TIMEOUT).build();
        static final HttpClient FOLLOWING = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(PROBE_TIMEOUT).build();
    }
}
