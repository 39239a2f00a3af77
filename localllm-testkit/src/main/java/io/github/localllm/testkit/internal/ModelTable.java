package io.github.localllm.testkit.internal;

import io.github.localllm.testkit.FakeModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The models a fake has and which of them are loaded; changed by load, unload, pull and delete requests. */
public final class ModelTable {
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /**
     * One model's state.
     *
     * @param model the model (its {@code loaded} flag is the current state)
     * @param expiresAt when a loaded model unloads itself (Ollama {@code expires_at}), or null
     */
    public record Entry(FakeModel model, Instant expiresAt) {
    }

    public ModelTable(List<FakeModel> models) {
        for (FakeModel m : models) {
            entries.put(m.name(), new Entry(m, null));
        }
    }

    public synchronized Optional<FakeModel> find(String name) {
        Entry e = entries.get(name);
        return e == null ? Optional.empty() : Optional.of(e.model());
    }

    public synchronized Optional<Entry> entry(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    public synchronized List<FakeModel> all() {
        return entries.values().stream().map(Entry::model).toList();
    }

    public synchronized List<Entry> loaded() {
        List<Entry> loaded = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.model().loaded()) {
                loaded.add(e);
            }
        }
        return loaded;
    }

    public synchronized void setLoaded(String name, boolean loaded, Instant expiresAt) {
        Entry e = entries.get(name);
        if (e != null) {
            entries.put(name, new Entry(e.model().withLoaded(loaded), loaded ? expiresAt : null));
        }
    }

    public synchronized void add(FakeModel model) {
        entries.putIfAbsent(model.name(), new Entry(model, null));
    }

    public synchronized boolean remove(String name) {
        return entries.remove(name) != null;
    }
}
