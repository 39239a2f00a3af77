package io.github.localllm.testkit.internal;

import io.github.localllm.testkit.Fault;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/** The faults set on a server: each for every request or the next few, on every path or one. */
public final class FaultPlan {
    private static final int UNLIMITED = -1;

    private final List<Rule> rules = new ArrayList<>();

    private static final class Rule {
        final Fault fault;
        final String path;
        int remaining;
        int skip;

        Rule(Fault fault, String path, int remaining, int skip) {
            this.fault = fault;
            this.path = path;
            this.remaining = remaining;
            this.skip = skip;
        }
    }

    /** Adds a fault for {@code count} requests ({@code -1}: all) on {@code path} (null: every path). */
    public void add(Fault fault, String path, int count) {
        add(fault, path, count, 0);
    }

    /** Adds a fault for {@code count} requests on {@code path} (null: every path) after the next {@code skip} ones. */
    public synchronized void add(Fault fault, String path, int count, int skip) {
        Objects.requireNonNull(fault, "fault");
        if (count == 0 || count < UNLIMITED) {
            throw new IllegalArgumentException("a fault applies to at least one request: " + count);
        }
        if (path != null && !path.startsWith("/")) {
            throw new IllegalArgumentException("a path starts with '/': " + path);
        }
        if (skip < 0) {
            throw new IllegalArgumentException("requests to skip cannot be negative: " + skip);
        }
        rules.add(new Rule(fault, path, count, skip));
    }

    public void addAlways(Fault fault, String path) {
        add(fault, path, UNLIMITED);
    }

    public synchronized void clear() {
        rules.clear();
    }

    /** The faults for one request to {@code path}, using up one of each limited fault that applies. */
    public synchronized ActiveFaults take(String path) {
        List<Fault> active = new ArrayList<>();
        for (Iterator<Rule> it = rules.iterator(); it.hasNext();) {
            Rule rule = it.next();
            if (rule.path != null && !rule.path.equals(path)) {
                continue;
            }
            if (rule.skip > 0) {
                rule.skip--;
                continue;
            }
            active.add(rule.fault);
            if (rule.remaining != UNLIMITED && --rule.remaining == 0) {
                it.remove();
            }
        }
        return new ActiveFaults(active);
    }
}
