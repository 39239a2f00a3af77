package io.github.localllm.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Clocks that make timestamps repeat exactly, to compare answers with captured ones. */
final class Clocks {
    private Clocks() {
    }

    /** Each reading is {@code step} later than the one before, starting at {@code start}. */
    static Clock stepping(Instant start, Duration step) {
        AtomicInteger readings = new AtomicInteger();
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
                return start.plus(step.multipliedBy(readings.getAndIncrement()));
            }
        };
    }

    /** The readings in order, then the last one again. */
    static Clock readings(Instant... instants) {
        List<Instant> list = List.of(instants);
        AtomicInteger next = new AtomicInteger();
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
                return list.get(Math.min(next.getAndIncrement(), list.size() - 1));
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
