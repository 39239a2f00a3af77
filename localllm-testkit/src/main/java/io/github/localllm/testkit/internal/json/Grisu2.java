package io.github.localllm.testkit.internal.json;

import java.math.BigInteger;

/**
 * Florian Loitsch's Grisu2 ("Printing Floating-Point Numbers Quickly and Accurately with
 * Integers", PLDI 2010) with the boundaries and rounding nlohmann::json uses, so the fake
 * llama.cpp prints doubles with exactly its digits. Grisu2 always reads back to the same double
 * but is not always the shortest or the closest form: 3 of the 2304 values in the captured
 * llama-server embeddings differ from the shortest (e.g. {@code -0.0056675951927900314}).
 * Unsigned 64-bit arithmetic is done on {@code long} with unsigned comparisons.
 */
final class Grisu2 {
    private static final int ALPHA = -60;
    private static final int MIN_CACHED_EXPONENT = -300;
    private static final int CACHED_STEP = 8;
    /** 10^k for k = -300, -292, ..., 324 as a normalized 64-bit significand and binary exponent, rounded to nearest. */
    private static final long[] CACHED_F = new long[79];
    private static final int[] CACHED_E = new int[79];

    static {
        for (int i = 0; i < CACHED_F.length; i++) {
            int k = MIN_CACHED_EXPONENT + i * CACHED_STEP;
            BigInteger f;
            int e;
            if (k >= 0) {
                BigInteger p = BigInteger.TEN.pow(k);
                e = Math.max(p.bitLength() - 64, 0);
                f = roundedShift(p, e);
                if (e == 0) {
                    int shift = 64 - p.bitLength();
                    f = p.shiftLeft(shift);
                    e = -shift;
                }
            } else {
                BigInteger d = BigInteger.TEN.pow(-k);
                int s = 63 + d.bitLength();
                if (BigInteger.ONE.shiftLeft(s).divide(d).bitLength() < 64) {
                    s++;
                }
                BigInteger[] qr = BigInteger.ONE.shiftLeft(s).divideAndRemainder(d);
                f = qr[1].shiftLeft(1).compareTo(d) >= 0 ? qr[0].add(BigInteger.ONE) : qr[0];
                e = -s;
            }
            if (f.bitLength() > 64) {
                f = f.shiftRight(1);
                e++;
            }
            CACHED_F[i] = f.longValue();
            CACHED_E[i] = e;
        }
    }

    private Grisu2() {
    }

    private static BigInteger roundedShift(BigInteger p, int e) {
        if (e == 0) {
            return p;
        }
        BigInteger[] qr = p.divideAndRemainder(BigInteger.ONE.shiftLeft(e));
        return qr[1].shiftLeft(1).compareTo(BigInteger.ONE.shiftLeft(e)) >= 0 ? qr[0].add(BigInteger.ONE) : qr[0];
    }

    /** A do-it-yourself floating point number: f × 2^e. */
    private record DiyFp(long f, int e) {
        DiyFp minus(DiyFp y) {
            return new DiyFp(f - y.f, e);
        }

        /** The upper 64 bits of the 128-bit product, rounded half up. */
        DiyFp times(DiyFp y) {
            long uLo = f & 0xFFFFFFFFL;
            long uHi = f >>> 32;
            long vLo = y.f & 0xFFFFFFFFL;
            long vHi = y.f >>> 32;
            long p0 = uLo * vLo;
            long p1 = uLo * vHi;
            long p2 = uHi * vLo;
            long p3 = uHi * vHi;
            long q = (p0 >>> 32) + (p1 & 0xFFFFFFFFL) + (p2 & 0xFFFFFFFFL) + (1L << 31);
            long h = p3 + (p2 >>> 32) + (p1 >>> 32) + (q >>> 32);
            return new DiyFp(h, e + y.e + 64);
        }

        DiyFp normalize() {
            int shift = Long.numberOfLeadingZeros(f);
            return new DiyFp(f << shift, e - shift);
        }

        DiyFp normalizeTo(int target) {
            return new DiyFp(f << (e - target), target);
        }
    }

    /** The digits and decimal point position nlohmann::json prints for a positive finite double. */
    static ShortestDecimal of(double value) {
        long bits = Double.doubleToRawLongBits(value);
        long biasedExponent = bits >>> 52;
        long fraction = bits & ((1L << 52) - 1);
        DiyFp v = biasedExponent == 0 ? new DiyFp(fraction, 1 - 1075)
                : new DiyFp(fraction + (1L << 52), (int) biasedExponent - 1075);
        boolean lowerCloser = fraction == 0 && biasedExponent > 1;
        DiyFp plus = new DiyFp(2 * v.f + 1, v.e - 1).normalize();
        DiyFp minus = (lowerCloser ? new DiyFp(4 * v.f - 1, v.e - 2) : new DiyFp(2 * v.f - 1, v.e - 1)).normalizeTo(plus.e);
        DiyFp w = v.normalize();

        int f = ALPHA - plus.e - 1;
        int k = (f * 78913) / (1 << 18) + (f > 0 ? 1 : 0);
        int index = (-MIN_CACHED_EXPONENT + k + (CACHED_STEP - 1)) / CACHED_STEP;
        DiyFp cached = new DiyFp(CACHED_F[index], CACHED_E[index]);
        int cachedK = MIN_CACHED_EXPONENT + index * CACHED_STEP;

        DiyFp scaled = w.times(cached);
        DiyFp low = minus.times(cached);
        DiyFp high = plus.times(cached);
        return digits(new DiyFp(low.f + 1, low.e), scaled, new DiyFp(high.f - 1, high.e), -cachedK);
    }

    private static ShortestDecimal digits(DiyFp low, DiyFp w, DiyFp high, int decimalExponent) {
        long delta = high.minus(low).f;
        long dist = high.minus(w).f;
        int shift = -high.e;
        long one = 1L << shift;
        long p1 = high.f >>> shift;
        long p2 = high.f & (one - 1);
        StringBuilder buffer = new StringBuilder(18);
        long pow10 = 1;
        int n = 1;
        while (pow10 * 10 <= p1) {
            pow10 *= 10;
            n++;
        }
        while (n > 0) {
            buffer.append((char) ('0' + p1 / pow10));
            p1 %= pow10;
            n--;
            long rest = (p1 << shift) + p2;
            if (Long.compareUnsigned(rest, delta) <= 0) {
                round(buffer, dist, delta, rest, pow10 << shift);
                return decimal(buffer, decimalExponent + n);
            }
            pow10 /= 10;
        }
        int m = 0;
        while (true) {
            p2 *= 10;
            buffer.append((char) ('0' + (p2 >>> shift)));
            p2 &= one - 1;
            m++;
            delta *= 10;
            dist *= 10;
            if (Long.compareUnsigned(p2, delta) <= 0) {
                break;
            }
        }
        round(buffer, dist, delta, p2, one);
        return decimal(buffer, decimalExponent - m);
    }

    /** Moves the last digit down while that brings the number closer to w and stays inside the interval. */
    private static void round(StringBuilder buffer, long dist, long delta, long rest, long tenK) {
        while (Long.compareUnsigned(rest, dist) < 0 && Long.compareUnsigned(delta - rest, tenK) >= 0
                && (Long.compareUnsigned(rest + tenK, dist) < 0 || Long.compareUnsigned(dist - rest, rest + tenK - dist) > 0)) {
            int last = buffer.length() - 1;
            buffer.setCharAt(last, (char) (buffer.charAt(last) - 1));
            rest += tenK;
        }
    }

    private static ShortestDecimal decimal(StringBuilder digits, int exponent) {
        return new ShortestDecimal(digits.toString(), digits.length() + exponent);
    }
}
