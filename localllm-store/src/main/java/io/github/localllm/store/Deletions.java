package io.github.localllm.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Ranks the library's own models for {@link ModelLibrary#suggestDeletions} and counts what each frees. */
final class Deletions {
    private Deletions() {
    }

    static List<DeletionSuggestion> suggest(List<StoredModel> all, HfCache hf, long bytesToFree) {
        Map<String, StoredModel> supersededBy = supersession(all, hf);
        // Every file any listed model uses, by its real path, and how many models use it.
        Map<Path, Integer> users = new HashMap<>();
        Map<Path, Long> sizes = new HashMap<>();
        Map<String, List<Path>> filesOf = new HashMap<>();
        for (StoredModel m : all) {
            List<Path> files = new ArrayList<>();
            for (Path p : m.shards()) {
                real(p).ifPresent(files::add);
            }
            filesOf.put(m.id(), files);
            for (Path f : files) {
                users.merge(f, 1, Integer::sum);
                sizes.computeIfAbsent(f, Deletions::size);
            }
        }
        Comparator<StoredModel> order = Comparator
                .comparing((StoredModel m) -> m.lastUsedAt().isPresent())
                .thenComparing(m -> m.lastUsedAt().orElse(Instant.MIN))
                .thenComparing(m -> !supersededBy.containsKey(m.id()))
                .thenComparing(m -> m.installedAt().orElse(Instant.MIN))
                .thenComparing(Comparator.comparingLong(StoredModel::size).reversed())
                .thenComparing(StoredModel::id);
        List<DeletionSuggestion> suggestions = new ArrayList<>();
        long freed = 0;
        for (StoredModel m : all.stream().filter(StoredModel::deletable).sorted(order).toList()) {
            if (freed >= bytesToFree) {
                break;
            }
            long bytes = 0;
            for (Path f : filesOf.get(m.id())) {
                if (users.merge(f, -1, Integer::sum) == 0) {
                    bytes += sizes.get(f);
                }
            }
            Optional<StoredModel> newer = Optional.ofNullable(supersededBy.get(m.id()));
            DeletionSuggestion.Reason reason = newer.isPresent() ? DeletionSuggestion.Reason.SUPERSEDED
                    : m.lastUsedAt().isEmpty() ? DeletionSuggestion.Reason.NEVER_USED
                    : DeletionSuggestion.Reason.LEAST_RECENTLY_USED;
            suggestions.add(new DeletionSuggestion(m, reason, bytes, newer));
            freed += bytes;
        }
        return List.copyOf(suggestions);
    }

    /**
     * Which models a newer one replaces: for the Hugging Face cache, the same repository and file at a
     * revision no branch or tag of {@code refs/} names while another is named (without any, all but the
     * latest installed); for imports, the same file name imported earlier.
     */
    private static Map<String, StoredModel> supersession(List<StoredModel> all, HfCache hf) {
        Map<String, List<StoredModel>> groups = new LinkedHashMap<>();
        for (StoredModel m : all) {
            if (m.source() == ModelSource.HUGGING_FACE && m.repository().isPresent()) {
                groups.computeIfAbsent("hf\n" + m.repository().get() + "\n" + m.file(), k -> new ArrayList<>()).add(m);
            } else if (m.source() == ModelSource.IMPORTED) {
                groups.computeIfAbsent("import\n" + m.file(), k -> new ArrayList<>()).add(m);
            }
        }
        Map<String, StoredModel> superseded = new HashMap<>();
        for (List<StoredModel> group : groups.values()) {
            if (group.size() < 2) {
                continue;
            }
            // A revision a branch or tag still names is current; without any, the latest installed is.
            List<StoredModel> named = group.stream().filter(m -> m.source() == ModelSource.HUGGING_FACE
                    && hf.refCommits(m.repository().get()).contains(m.revision().orElse(""))).toList();
            Comparator<StoredModel> latest = Comparator.comparing((StoredModel m) -> installed(m, hf))
                    .thenComparing(StoredModel::id);
            List<StoredModel> current = named.isEmpty() ? List.of(group.stream().max(latest).orElseThrow()) : named;
            StoredModel newest = current.stream().max(latest).orElseThrow();
            for (StoredModel m : group) {
                if (!current.contains(m)) {
                    superseded.put(m.id(), newest);
                }
            }
        }
        return superseded;
    }

    private static Instant installed(StoredModel m, HfCache hf) {
        return m.installedAt().or(() -> m.source() == ModelSource.HUGGING_FACE
                ? hf.snapshotTime(m.repository().get(), m.revision().orElse("")) : Optional.empty()).orElse(Instant.MIN);
    }

    private static Optional<Path> real(Path p) {
        try {
            return Optional.of(p.toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }
}
