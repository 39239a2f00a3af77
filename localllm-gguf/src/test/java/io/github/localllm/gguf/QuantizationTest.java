package io.github.localllm.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Half-precision and Q8_0 encodings match IEEE round-to-nearest-even and ggml's reference quantizer. */
class QuantizationTest {

    @Test
    void everyHalfRoundTrips() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Quantization.halfToFloat((short) h);
            short back = Quantization.floatToHalf(f);
            if (Float.isNaN(f)) {
                assertThat(Float.isNaN(Quantization.halfToFloat(back))).isTrue();
            } else {
                assertThat(back & 0xFFFF).as("half %04x", h).isEqualTo(h);
            }
        }
    }

    @Test
    void knownValues() {
        assertThat(Quantization.floatToHalf(1f)).isEqualTo((short) 0x3C00);
        assertThat(Quantization.floatToHalf(-2f)).isEqualTo((short) 0xC000);
        assertThat(Quantization.floatToHalf(65504f)).isEqualTo((short) 0x7BFF);
        assertThat(Quantization.floatToHalf(65519.99f)).isEqualTo((short) 0x7BFF);
        assertThat(Quantization.floatToHalf(65520f)).isEqualTo((short) 0x7C00);
        assertThat(Quantization.floatToHalf(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7C00);
        assertThat(Quantization.floatToHalf(0x1p-24f)).isEqualTo((short) 0x0001);
        assertThat(Quantization.floatToHalf(0x1p-25f)).isEqualTo((short) 0x0000); // tie to even (zero)
        assertThat(Quantization.floatToHalf(0x1.8p-24f)).isEqualTo((short) 0x0002); // tie 1.5 -> 2
        assertThat(Quantization.floatToHalf(-0f)).isEqualTo((short) 0x8000);
        // 1 + 2^-11 is halfway between 1 and the next half; ties go to the even mantissa (1.0).
        assertThat(Quantization.floatToHalf(1f + 0x1p-11f)).isEqualTo((short) 0x3C00);
        assertThat(Quantization.floatToHalf(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3C02);
        assertThat(Float.isNaN(Quantization.halfToFloat(Quantization.floatToHalf(Float.NaN)))).isTrue();
    }

    @Test
    void randomFloatsRoundToNearestEven() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt(0x477F_E000)) * (r.nextBoolean() ? 1 : -1);
            short h = Quantization.floatToHalf(f);
            double chosen = Quantization.halfToFloat(h);
            double err = Math.abs(chosen - f);
            for (int d = -1; d <= 1; d += 2) {
                double other = Quantization.halfToFloat((short) (h + d));
                if (Double.isFinite(other) && Math.signum(other) * Math.signum(chosen) >= 0) {
                    double otherErr = Math.abs(other - f);
                    assertThat(err).as("%s -> %04x", f, h).isLessThanOrEqualTo(otherErr);
                    if (err == otherErr) {
                        assertThat(h & 1).as("tie %s -> %04x", f, h).isZero();
                    }
                }
            }
        }
    }

    @Test
    void q8_0MatchesReferenceQuantizer() {
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = (i - 16) * 0.5f; // max |x| = 8 at i = 0
        }
        x[5] = -2.5f * 8f / 127f; // exactly -2.5 quantization steps: roundf goes away from zero
        ByteBuffer out = ByteBuffer.allocate(34);
        Quantization.quantizeQ8_0(x, 0, 32, out);
        byte[] b = out.array();
        short d = (short) ((b[0] & 0xFF) | (b[1] << 8));
        assertThat(d).isEqualTo(Quantization.floatToHalf(8f / 127f));
        assertThat(b[2]).isEqualTo((byte) -127);
        assertThat(b[2 + 5]).isEqualTo((byte) -3);
        assertThat(b[2 + 16]).isEqualTo((byte) 0);
        assertThat(b[2 + 31]).isEqualTo((byte) Math.round(7.5f * 127f / 8f));

        ByteBuffer zeros = ByteBuffer.allocate(34);
        Quantization.quantizeQ8_0(new float[32], 0, 32, zeros);
        assertThat(zeros.array()).containsOnly((byte) 0);
    }
}
