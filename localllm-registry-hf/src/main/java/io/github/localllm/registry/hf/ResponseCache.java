package io.github.localllm.registry.hf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hub answers kept on disk: one JSON file per request (its address, the token's fingerprint, the time it was
 * fetched, the next page and the body), named by a hash of the request, written to a temporary file and moved
 * into place so a reader never sees half of one. Fresh within the TTL; a stale answer still serves when the
 * Hub cannot be reached. A damaged file counts as absent. Never holds a token.
 */
final class ResponseCache {
    private static final Logger LOG = LoggerFactory.getLogger(ResponseCache.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * A cached answer.
     *
     * @param answer the answer
     * @param fetched when it was fetched
     */
    record Entry(HubClient.Answer answer, Instant fetched) {
    }

    private final Path directory;
    private final Duration ttl;
    private final Clock clock;

    /** @param directory where answers go, or null for no cache at all */
    ResponseCache(Path directory, Duration ttl, Clock clock) {
        this.directory = directory;
        this.ttl = ttl;
        this.clock = clock;
    }

    boolean enabled() {
        return directory != null && !ttl.isZero();
    }

    /** @return the answer when one is cached and younger than the TTL */
    Optional<HubClient.Answer> fresh(String key) {
        return read(key).filter(e -> e.fetched().plus(ttl).isAfter(clock.instant())).map(Entry::answer);
    }

    /** @return the answer when one is cached, however old */
    Optional<Entry> any(String key) {
        return read(key);
    }

    void put(String key, HubClient.Answer answer) {
        if (!enabled()) {
            return;
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("key", key);
        node.put("fetched", clock.instant().toString());
        answer.next().ifPresent(n -> node.put("next", n));
        node.put("body", answer.body());
        Path file = file(key);
        try {
            Files.createDirectories(directory);
            Path temp = Files.createTempFile(directory, ".entry", ".tmp");
            try {
                Files.writeString(temp, JSON.writeValueAsString(node), StandardCharsets.UTF_8);
                try {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException | RuntimeException e) {
            // A cache that cannot be written costs only speed.
            LOG.warn("cannot write the Hugging Face answer cache in {}: {}", directory, e.toString());
        }
    }

    private Optional<Entry> read(String key) {
        if (!enabled()) {
            return Optional.empty();
        }
        Path file = file(key);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (!key.equals(node.path("key").asString(null)) || !node.path("body").isString()) {
                return Optional.empty();
            }
            Optional<String> next = node.path("next").isString() ? Optional.of(node.path("next").asString())
                    : Optional.empty();
            return Optional.of(new Entry(new HubClient.Answer(node.path("body").asString(), next),
                    Instant.parse(node.path("fetched").asString())));
        } catch (IOException | RuntimeException e) {
            LOG.debug("ignoring a damaged cache entry {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    private Path file(String key) {
        return directory.resolve(sha256(key) + ".json");
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
