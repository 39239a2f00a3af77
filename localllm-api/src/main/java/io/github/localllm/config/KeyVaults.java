package io.github.localllm.config;

import io.github.localllm.ConfigurationException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Finds this system's keystore tool. */
final class KeyVaults {
    private KeyVaults() {
    }

    /**
     * @param env the process environment, for {@code PATH}
     * @return the vault of this operating system
     * @throws ConfigurationException if its tool is missing
     */
    static KeyVault system(Map<String, String> env) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String user = System.getProperty("user.name", "user");
        if (os.contains("mac")) {
            return new MacKeychainVault(Path.of("/usr/bin/security"), user);
        }
        if (os.contains("windows")) {
            return onPath(env, "powershell.exe").<KeyVault>map(DpapiVault::new).orElseThrow(() ->
                    new ConfigurationException("powershell.exe is not on PATH, so DPAPI cannot protect the key"
                            + " file; protect it with a passphrase (KeyProtection.passphrase)"));
        }
        return onPath(env, "secret-tool").<KeyVault>map(tool -> new SecretToolVault(tool, user)).orElseThrow(() ->
                new ConfigurationException("secret-tool is not on PATH, so the Secret Service cannot keep the key"
                        + " file's key; install it (Debian/Ubuntu: apt install libsecret-tools; Fedora: dnf install"
                        + " libsecret) or protect the file with a passphrase (LOCALLLM_KEYS_PASSPHRASE)"));
    }

    private static Optional<Path> onPath(Map<String, String> env, String tool) {
        String path = env.getOrDefault("PATH", env.getOrDefault("Path", ""));
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                Path p = Path.of(dir, tool);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    static byte[] decodeKey(String text, String vault) {
        try {
            byte[] key = Base64.getDecoder().decode(text);
            if (key.length == 32) {
                return key;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new ConfigurationException("the key that " + vault + " returned for the key file is not a 256-bit key;"
                + " another program may use the same entry (service localllm-keys): write the keys again");
    }
}
