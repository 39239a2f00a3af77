package io.github.localllm.store;

import io.github.localllm.gguf.SyntheticModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Files the tests serve: a synthetic GGUF model of about 4 MB, and random bytes. */
final class Fixtures {
    private static byte[] model;

    private Fixtures() {
    }

    /** A valid GGUF file of about 4 MB (a 1M-parameter F32 synthetic model). */
    static synchronized byte[] model() {
        if (model == null) {
            try {
                Path file = Files.createTempFile("store-fixture", ".gguf");
                try {
                    SyntheticModel.withParameterCount(1_000_000).seed(7).build().write(file);
                    model = Files.readAllBytes(file);
                } finally {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return model.clone();
    }

    /** A small valid GGUF file (a synthetic F32 model), different for each seed. */
    static byte[] model(long seed) {
        try {
            Path file = Files.createTempFile("store-fixture", ".gguf");
            try {
                SyntheticModel.builder().seed(seed).build().write(file);
                return Files.readAllBytes(file);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(Path file) {
        try {
            return sha256(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
