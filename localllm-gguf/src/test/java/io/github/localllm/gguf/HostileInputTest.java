package io.github.localllm.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.localllm.InvalidModelFileException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Cut or corrupted headers only ever produce InvalidModelFileException: no other exception, hang or OOM. */
class HostileInputTest {

    /** The first {@code size} bytes of an array, without copying it. */
    private static GgufSource prefix(byte[] bytes, int size) {
        return new GgufSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public int read(long position, ByteBuffer dst) {
                if (position >= size) {
                    return -1;
                }
                int n = (int) Math.min(dst.remaining(), size - position);
                dst.put(bytes, (int) position, n);
                return n;
            }

            @Override
            public void close() {
                // Nothing to release.
            }
        };
    }

    @Test
    void syntheticModelCutAtEveryHeaderOffset() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SyntheticModel.builder().vocabularySize(300).build().writer().write(Channels.newChannel(out));
        byte[] full = out.toByteArray();
        long dataOffset = GgufFile.read(GgufSource.of(full)).tensorDataOffset();
        for (int cut = 0; cut < dataOffset + 64; cut++) {
            int c = cut;
            Throwable t = catchThrowable(() -> GgufFile.read(prefix(full, c)));
            assertThat(t).as("cut at %d", cut).isInstanceOf(InvalidModelFileException.class);
        }
    }

    @Test
    void randomCorruptionNeverEscapesAsAnotherException() throws IOException {
        byte[] original = FixtureTest.resource("tiny-align64.gguf");
        int headerEnd = 1728;
        SplittableRandom random = new SplittableRandom(1234);
        int accepted = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] b = original.clone();
            int flips = 1 + random.nextInt(4);
            for (int k = 0; k < flips; k++) {
                int at = random.nextInt(headerEnd);
                b[at] = random.nextBoolean() ? (byte) random.nextInt(256) : (byte) (b[at] ^ (1 << random.nextInt(8)));
            }
            Throwable t = catchThrowable(() -> GgufFile.read(GgufSource.of(b)));
            if (t == null) {
                accepted++;
            } else {
                assertThat(t).as("round %d", round).isInstanceOf(InvalidModelFileException.class);
            }
        }
        assertThat(accepted).isPositive(); // flips inside string values are still valid files
    }
}
