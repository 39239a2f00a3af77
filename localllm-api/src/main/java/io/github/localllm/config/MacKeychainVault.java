package io.github.localllm.config;

import io.github.localllm.ConfigurationException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * macOS: the login keychain through {@code /usr/bin/security}. The key is written in its interactive
 * mode ({@code security -i}), which reads the command from standard input, so it never appears on a
 * command line.
 */
record MacKeychainVault(Path tool, String account) implements KeyVault {
    static final String NAME = "macos-keychain";
    private static final String SERVICE = "localllm-keys";

    @Override
    public Map<String, String> keep(byte[] key) {
        String command = "add-generic-password -U -s " + SERVICE + " -a \"" + account.replace("\"", "")
                + "\" -w " + Base64.getEncoder().encodeToString(key) + "\n";
        ToolRun run = ToolRun.of(List.of(tool.toString(), "-i"), command);
        if (!run.ok()) {
            throw new ConfigurationException("the login keychain did not keep the key file's key (" + tool
                    + " add-generic-password: " + run.failure() + "); unlock it, or protect the file with a"
                    + " passphrase");
        }
        return Map.of("vault", NAME, "account", account);
    }

    @Override
    public byte[] recover(Map<String, String> header) {
        String who = header.getOrDefault("account", account);
        ToolRun run = ToolRun.of(List.of(tool.toString(), "find-generic-password", "-s", SERVICE, "-a", who, "-w"),
                "");
        String text = run.stdout().strip();
        if (!run.ok() || text.isEmpty()) {
            throw new ConfigurationException("the login keychain has no key for this key file (" + tool
                    + " find-generic-password -s " + SERVICE + " -a " + who + ": " + run.failure()
                    + "); it was made by another user or machine: write the keys again");
        }
        return KeyVaults.decodeKey(text, NAME);
    }

    @Override
    public String name() {
        return NAME;
    }
}
