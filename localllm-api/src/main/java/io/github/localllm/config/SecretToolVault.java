package io.github.localllm.config;

import io.github.localllm.ConfigurationException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Linux: the Secret Service (GNOME Keyring, KWallet) through libsecret's {@code secret-tool}. */
record SecretToolVault(Path tool, String account) implements KeyVault {
    static final String NAME = "secret-tool";
    private static final String SERVICE = "localllm-keys";

    @Override
    public Map<String, String> keep(byte[] key) {
        ToolRun run = ToolRun.of(List.of(tool.toString(), "store", "--label=localllm API keys", "service", SERVICE,
                "account", account), Base64.getEncoder().encodeToString(key));
        if (!run.ok()) {
            throw new ConfigurationException("the Secret Service did not keep the key file's key (" + tool
                    + " store: " + run.failure() + "); unlock the keyring, or protect the file with a passphrase");
        }
        return Map.of("vault", NAME, "account", account);
    }

    @Override
    public byte[] recover(Map<String, String> header) {
        String who = header.getOrDefault("account", account);
        ToolRun run = ToolRun.of(List.of(tool.toString(), "lookup", "service", SERVICE, "account", who), "");
        String text = run.stdout().strip();
        if (!run.ok() || text.isEmpty()) {
            throw new ConfigurationException("the Secret Service has no key for this key file (" + tool
                    + " lookup service " + SERVICE + " account " + who + ": " + (run.ok() ? "nothing found"
                    : run.failure()) + "); it was made by another user or machine: write the keys again");
        }
        return KeyVaults.decodeKey(text, NAME);
    }

    @Override
    public String name() {
        return NAME;
    }
}
