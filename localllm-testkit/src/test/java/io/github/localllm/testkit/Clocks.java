package io.github.localllm.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Clocks that make timestamps repeat exactly, to compare answers with captured ones. */
final class Clocks {
    private Clocks() {
    }

    /** Each reading is {@code step} later than the one before, starting at {@code start}. */
    static Clock stepping(Instant start, Duration step) {
        AtomicInteger readings = new AtomicInteger();
        return of(() -> start.plus(step.multipliedBy(readings.getAndIncrement())));
    }

    /** The readings in order, then the last one again. */
    static Clock readings(Instant... instants) {
        List<Instant> list = List.of(instants);
        AtomicInteger next = new AtomicInteger();
        return of(() -> list.get(Math.min(next.getAndIncrement(), list.size() - 1)));
    }

    /** A UTC clock whose every reading comes from {@code next}. */
    private static Clock of(Supplier<Instant> next) {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return next.get();
            }
        };
    }

    static Clock fixed(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    static Clock fixedSeconds(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }
}
