package io.github.localllm.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineScannerTest {

    private static int naiveLineEnd(byte[] bytes, int from, int to, boolean carriageReturn) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n' || bytes[i] == '\r' && carriageReturn) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void findsTheFirstLineEndEightBytesAtATimeAsAByteAtATimeWould() {
        Random random = new Random(42);
        // Line ends, bytes one off them (0x0B, 0x0C, 0x09, 0x0E), zero, and UTF-8 bytes with the high bit set.
        byte[] alphabet = {'\n', '\r', 0x0B, 0x0C, 0x09, 0x0E, 0, 1, (byte) 0x8A, (byte) 0x8D, (byte) 0xD0, (byte) 0xFF,
            'a', '{', '"'};
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[random.nextInt(40)];
            for (int i = 0; i < bytes.length; i++) {
                // Mostly ordinary bytes, so that line ends fall anywhere within a word.
                bytes[i] = random.nextInt(6) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
            }
            int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
            int to = from + random.nextInt(bytes.length - from + 1);
            for (boolean cr : new boolean[] {false, true}) {
                assertThat(LineScanner.lineEnd(bytes, from, to, cr)).as("round %d, cr %s", round, cr)
                        .isEqualTo(naiveLineEnd(bytes, from, to, cr));
            }
        }
    }

    @Test
    void splitsLinesOfEveryLengthAroundTheWordSize() {
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int n = 0; n < 40; n++) {
            String line = "x".repeat(n);
            expected.add(line);
            text.append(line).append(n % 3 == 0 ? "\r\n" : "\n");
        }
        LineScanner lines = new LineScanner(new ByteArrayInputStream(text.toString().getBytes()), false, 1024, "test");
        List<String> seen = new ArrayList<>();
        while (lines.next()) {
            seen.add(new String(lines.buffer(), lines.start(), lines.length()));
        }
        assertThat(seen).isEqualTo(expected);
    }
}
