package io.github.localllm.config;

import java.util.Arrays;
import java.util.Objects;

/**
 * What protects a {@link KeyFile}: a passphrase, or a random key kept by the operating system user's
 * own keystore (the login keychain on macOS, the Secret Service through {@code secret-tool} on Linux,
 * DPAPI on Windows), so that no passphrase has to be typed or stored anywhere.
 */
public sealed interface KeyProtection permits KeyProtection.Passphrase, KeyProtection.OsKeystore {

    /**
     * @param passphrase the passphrase; copied, so the caller may clear its array
     * @return protection by a key derived from the passphrase (PBKDF2 with HMAC-SHA-256)
     * @throws IllegalArgumentException if the passphrase is empty
     */
    static KeyProtection passphrase(char[] passphrase) {
        return new Passphrase(passphrase);
    }

    /** @return protection by a key that this machine's keystore keeps for the current OS user */
    static KeyProtection osKeystore() {
        return new OsKeystore();
    }

    /** A passphrase; {@link #toString()} never shows it. */
    final class Passphrase implements KeyProtection {
        private final char[] chars;

        Passphrase(char[] chars) {
            Objects.requireNonNull(chars, "passphrase");
            if (chars.length == 0) {
                throw new IllegalArgumentException("the key file's passphrase is empty; choose a passphrase or use"
                        + " KeyProtection.osKeystore()");
            }
            this.chars = chars.clone();
        }

        char[] chars() {
            return chars.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Passphrase p && Arrays.equals(chars, p.chars);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(chars);
        }

        @Override
        public String toString() {
            return "KeyProtection.passphrase(****)";
        }
    }

    /** The OS user's keystore. */
    final class OsKeystore implements KeyProtection {
        OsKeystore() {
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof OsKeystore;
        }

        @Override
        public int hashCode() {
            return 1;
        }

        @Override
        public String toString() {
            return "KeyProtection.osKeystore()";
        }
    }
}
