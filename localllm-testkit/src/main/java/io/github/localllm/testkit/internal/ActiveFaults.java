package io.github.localllm.testkit.internal;

import io.github.localllm.testkit.Fault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The faults that apply to one request, with the questions the writer asks of them.
 *
 * @param faults the faults, in the order they were set
 */
public record ActiveFaults(List<Fault> faults) {
    public ActiveFaults {
        faults = List.copyOf(faults);
    }

    public boolean reset() {
        return faults.stream().anyMatch(f -> f instanceof Fault.ResetConnection);
    }

    public boolean unknownFields() {
        return faults.stream().anyMatch(f -> f instanceof Fault.UnknownFields);
    }

    public boolean modelNotFound() {
        return faults.stream().anyMatch(f -> f instanceof Fault.ModelNotFound);
    }

    public boolean ignoreRange() {
        return faults.stream().anyMatch(f -> f instanceof Fault.IgnoreRange);
    }

    public boolean corruptBytes() {
        return faults.stream().anyMatch(f -> f instanceof Fault.CorruptBytes);
    }

    /** The lowest throttle set, if any, in bytes per second. */
    public java.util.OptionalLong throttle() {
        return faults.stream().filter(f -> f instanceof Fault.Throttle)
                .mapToLong(f -> ((Fault.Throttle) f).bytesPerSecond()).min();
    }

    public Duration firstByteDelay() {
        return faults.stream().filter(f -> f instanceof Fault.SlowFirstByte)
                .map(f -> ((Fault.SlowFirstByte) f).delay()).reduce(Duration.ZERO, Duration::plus);
    }

    public Optional<Fault.HttpStatus> httpStatus() {
        return faults.stream().filter(f -> f instanceof Fault.HttpStatus).map(f -> (Fault.HttpStatus) f).findFirst();
    }

    /** The stall after exactly {@code chunks} chunks, zero when none. */
    public Duration stallAfter(int chunks) {
        return faults.stream().filter(f -> f instanceof Fault.StallAfter s && s.chunks() == chunks)
                .map(f -> ((Fault.StallAfter) f).delay()).reduce(Duration.ZERO, Duration::plus);
    }

    public boolean anyStall() {
        return faults.stream().anyMatch(f -> f instanceof Fault.StallAfter);
    }

    public Duration totalStall() {
        return faults.stream().filter(f -> f instanceof Fault.StallAfter)
                .map(f -> ((Fault.StallAfter) f).delay()).reduce(Duration.ZERO, Duration::plus);
    }

    public OptionalInt truncateAfter() {
        return faults.stream().filter(f -> f instanceof Fault.TruncateAfter)
                .mapToInt(f -> ((Fault.TruncateAfter) f).chunks()).min();
    }

    public OptionalInt errorAfter() {
        return faults.stream().filter(f -> f instanceof Fault.ErrorAfter)
                .mapToInt(f -> ((Fault.ErrorAfter) f).chunks()).min();
    }

    public boolean malformed(int chunk) {
        return faults.stream().anyMatch(f -> f instanceof Fault.MalformedChunk m && m.chunk() == chunk);
    }

    public boolean anyMalformed() {
        return faults.stream().anyMatch(f -> f instanceof Fault.MalformedChunk);
    }
}
