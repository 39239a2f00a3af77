package io.github.localllm.config;

import io.github.localllm.ConfigurationException;
import io.github.localllm.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An encrypted file of credentials, such as {@code openai.api.key}, read as a configuration layer
 * ({@link ConfigSource#KEY_FILE}) so that keys need not sit in plain text in an environment or a
 * configuration file. AES-256-GCM; the key comes from a passphrase (PBKDF2 with HMAC-SHA-256, 600,000
 * iterations) or from the OS user's keystore ({@link KeyProtection}). The file's header is
 * authenticated with its data, so a changed header fails like a changed secret. Written atomically and,
 * where the file system has POSIX permissions, readable by its owner only.
 *
 * <p>The default file is {@code keys.enc} beside the user configuration file
 * ({@code ~/.config/localllm/keys.enc}); the {@code keys.file} key names another. A passphrase-protected
 * file is opened with {@code keys.passphrase}, best set as {@code LOCALLLM_KEYS_PASSPHRASE}.
 *
 * <pre>{@code
 * KeyFile.at(Path.of(home, ".config/localllm/keys.enc"), KeyProtection.osKeystore())
 *        .put("openai.api.key", key);
 * }</pre>
 */
public final class KeyFile {
    /** Names a key file other than the default. */
    public static final String FILE_KEY = "keys.file";
    /** Opens a passphrase-protected key file. */
    public static final String PASSPHRASE_KEY = "keys.passphrase";
    static final String FORMAT = "localllm-keys/1";
    static final int ITERATIONS = 600_000;
    private static final int MIN_ITERATIONS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final KeyProtection protection;
    private final Map<String, String> env;
    private final int iterations;
    /** Found when first needed, so a passphrase-protected file never looks for a keystore tool. */
    private KeyVault vault;

    KeyFile(Path file, KeyProtection protection, Map<String, String> env, int iterations) {
        this.file = Objects.requireNonNull(file, "file");
        this.protection = Objects.requireNonNull(protection, "protection");
        this.env = Map.copyOf(env);
        this.iterations = iterations;
    }

    /** With a given keystore, rather than this system's. */
    KeyFile(Path file, KeyVault vault) {
        this(file, KeyProtection.osKeystore(), Map.of(), ITERATIONS);
        this.vault = Objects.requireNonNull(vault, "vault");
    }

    /**
     * @param file the key file, which need not exist yet
     * @param protection what protects it
     * @return the key file; with the OS keystore, its tool is looked for when the file is first read or
     *         written
     */
    public static KeyFile at(Path file, KeyProtection protection) {
        return new KeyFile(file, protection, System.getenv(), ITERATIONS);
    }

    private KeyVault vault() {
        if (vault == null) {
            vault = KeyVaults.system(env);
        }
        return vault;
    }

    /** @return where the file is */
    public Path file() {
        return file;
    }

    /**
     * @return the credentials, by configuration key; empty if the file does not exist
     * @throws ConfigurationException if it cannot be read or decrypted, naming why and what to do
     */
    public Map<String, String> read() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new ConfigurationException("cannot read the key file " + file + ": " + e.getMessage()
                    + "; fix its permissions or remove it");
        }
        Map<String, String> header = header(text);
        byte[] key = keyFor(header);
        try {
            byte[] plain = cipher(Cipher.DECRYPT_MODE, key, decode(header, "iv"), header)
                    .doFinal(decode(header, "data"));
            return secrets(new String(plain, StandardCharsets.UTF_8));
        } catch (AEADBadTagException e) {
            throw new ConfigurationException("the key file " + file + " cannot be decrypted: "
                    + (protection instanceof KeyProtection.Passphrase ? "the passphrase is wrong, or " : "")
                    + "the file was changed after it was written; check " + PASSPHRASE_KEY
                    + " (LOCALLLM_KEYS_PASSPHRASE) or write the keys again");
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("the key file " + file + " cannot be decrypted (" + e.getMessage()
                    + "); write the keys again");
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Replaces the file's credentials, encrypted under a fresh nonce (and, with a passphrase, a fresh
     * salt).
     *
     * @param secrets the credentials, by configuration key
     * @throws ConfigurationException if the file cannot be written, or a key is not a configuration key
     */
    public void write(Map<String, String> secrets) {
        Map<String, String> sorted = new TreeMap<>();
        secrets.forEach((k, v) -> sorted.put(checkedKey(k), Objects.requireNonNull(v, k)));
        Map<String, String> header = new TreeMap<>();
        header.put("format", FORMAT);
        header.put("cipher", "AES/GCM/NoPadding");
        byte[] key;
        if (protection instanceof KeyProtection.Passphrase p) {
            byte[] salt = random(16);
            header.put("protection", "passphrase");
            header.put("kdf", "PBKDF2WithHmacSHA256");
            header.put("iterations", Integer.toString(iterations));
            header.put("salt", Base64.getEncoder().encodeToString(salt));
            key = derive(p, salt, iterations);
        } else {
            header.put("protection", "os-keystore");
            key = reusedOrNewVaultKey(header);
        }
        byte[] iv = random(12);
        header.put("iv", Base64.getEncoder().encodeToString(iv));
        try {
            byte[] data = cipher(Cipher.ENCRYPT_MODE, key, iv, header)
                    .doFinal(JsonText.object(sorted).getBytes(StandardCharsets.UTF_8));
            header.put("data", Base64.getEncoder().encodeToString(data));
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("cannot encrypt the key file " + file + ": " + e.getMessage());
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        store(JsonText.object(header) + "\n");
    }

    /**
     * Sets one credential, keeping the others.
     *
     * @param key a configuration key, such as {@code openai.api.key}
     * @param value its value
     */
    public void put(String key, String value) {
        Map<String, String> all = new TreeMap<>(read());
        all.put(checkedKey(key), Objects.requireNonNull(value, "value"));
        write(all);
    }

    /**
     * @param key a configuration key
     * @return whether the file held it (and no longer does)
     */
    public boolean remove(String key) {
        Map<String, String> all = new TreeMap<>(read());
        if (all.remove(checkedKey(key)) == null) {
            return false;
        }
        write(all);
        return true;
    }

    /** The vault key already kept for this file, or a new one; an unreadable old file is replaced. */
    private byte[] reusedOrNewVaultKey(Map<String, String> header) {
        try {
            Map<String, String> old = header(Files.readString(file, StandardCharsets.UTF_8));
            if ("os-keystore".equals(old.get("protection")) && vault().name().equals(old.get("vault"))) {
                byte[] key = vault().recover(old);
                old.forEach((k, v) -> {
                    if (k.equals("vault") || k.equals("account") || k.equals("blob")) {
                        header.put(k, v);
                    }
                });
                return key;
            }
        } catch (IOException | ConfigurationException e) {
            // No usable old key: a new one below.
        }
        byte[] key = random(32);
        header.putAll(vault().keep(key));
        return key;
    }

    private byte[] keyFor(Map<String, String> header) {
        String kind = header.get("protection");
        if ("passphrase".equals(kind)) {
            if (!(protection instanceof KeyProtection.Passphrase p)) {
                throw new ConfigurationException("the key file " + file + " is protected by a passphrase; set "
                        + PASSPHRASE_KEY + " (e.g. LOCALLLM_KEYS_PASSPHRASE) to open it");
            }
            int n;
            try {
                n = Integer.parseInt(header.getOrDefault("iterations", ""));
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < MIN_ITERATIONS || !"PBKDF2WithHmacSHA256".equals(header.get("kdf"))) {
                throw new ConfigurationException("the key file " + file + " names a key derivation this SDK does"
                        + " not accept (" + header.get("kdf") + ", " + header.get("iterations") + " iterations);"
                        + " write the keys again");
            }
            return derive(p, decode(header, "salt"), n);
        }
        if ("os-keystore".equals(kind)) {
            if (protection instanceof KeyProtection.Passphrase) {
                throw new ConfigurationException("the key file " + file + " is protected by the OS user's keystore,"
                        + " not a passphrase; open it with KeyProtection.osKeystore(), or unset " + PASSPHRASE_KEY);
            }
            if (!vault().name().equals(header.get("vault"))) {
                throw new ConfigurationException("the key file " + file + " was protected by " + header.get("vault")
                        + ", which this system does not have (it has " + vault().name() + "); write the keys again"
                        + " here");
            }
            return vault().recover(header);
        }
        throw new ConfigurationException("the key file " + file + " names no protection this SDK knows ("
                + kind + "); write the keys again");
    }

    private Map<String, String> header(String text) {
        Object root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("the key file " + file + " is not a localllm key file (not JSON: "
                    + e.getMessage() + "); remove it or write the keys again");
        }
        if (!(root instanceof Map<?, ?> map) || !FORMAT.equals(map.get("format"))) {
            throw new ConfigurationException("the key file " + file + " is not a localllm key file (no \"format\":"
                    + " \"" + FORMAT + "\"); remove it or write the keys again");
        }
        Map<String, String> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
    }

    private Map<String, String> secrets(String json) {
        Object root = Json.parse(json);
        if (!(root instanceof Map<?, ?> map)) {
            throw new ConfigurationException("the key file " + file + " decrypts to no key list; write the keys"
                    + " again");
        }
        Map<String, String> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return Map.copyOf(out);
    }

    /** The header, without the ciphertext, is authenticated with it. */
    private static Cipher cipher(int mode, byte[] key, byte[] iv, Map<String, String> header)
            throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        StringBuilder aad = new StringBuilder();
        new TreeMap<>(header).forEach((k, v) -> {
            if (!k.equals("data")) {
                aad.append(k).append('=').append(v).append('\n');
            }
        });
        c.updateAAD(aad.toString().getBytes(StandardCharsets.UTF_8));
        return c;
    }

    private static byte[] derive(KeyProtection.Passphrase p, byte[] salt, int iterations) {
        char[] chars = p.chars();
        PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("this Java runtime cannot derive a key with PBKDF2WithHmacSHA256: "
                    + e.getMessage());
        } finally {
            spec.clearPassword();
            Arrays.fill(chars, '\0');
        }
    }

    private byte[] decode(Map<String, String> header, String field) {
        try {
            return Base64.getDecoder().decode(header.getOrDefault(field, ""));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("the key file " + file + " is damaged (its " + field + " is not"
                    + " base64); write the keys again");
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String checkedKey(String key) {
        String k = Objects.requireNonNull(key, "key").strip().toLowerCase(java.util.Locale.ROOT);
        if (k.isEmpty() || !k.matches("[a-z0-9]+([._-][a-z0-9]+)*")) {
            throw new ConfigurationException("'" + key + "' is not a configuration key; use dotted lower-case names"
                    + " such as openai.api.key");
        }
        return k;
    }

    /** Written beside the file and moved over it, so a crash leaves the old file or the new, never half. */
    private void store(String text) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".keys", ".tmp");
            try {
                if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                }
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new ConfigurationException("cannot write the key file " + file + ": " + e.getMessage()
                    + "; check that its folder is writable and the disk has space");
        }
    }

    @Override
    public String toString() {
        return "KeyFile[" + file + ", " + protection + "]";
    }
}
