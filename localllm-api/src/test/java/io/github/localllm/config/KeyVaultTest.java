package io.github.localllm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OS keystores, each driven through its real command line by a stand-in tool that behaves as the
 * real one does for these calls: {@code secret-tool store} reads the secret from standard input and
 * {@code lookup} prints it or exits 1; {@code security -i} reads a command line from standard input and
 * {@code find-generic-password -w} prints the password or exits 44; PowerShell's DPAPI script reads
 * one line and prints the (un)protected blob.
 */
@DisabledOnOs(OS.WINDOWS)
class KeyVaultTest {
    private static final String SECRET = "sk-proj-ABCDEF0123456789";

    @TempDir
    Path dir;
    private Path bin;

    @BeforeEach
    void tools() throws IOException {
        bin = Files.createDirectories(dir.resolve("bin"));
        tool("secret-tool", """
                d=$(dirname "$0"); echo "$@" >> "$d/args.log"
                case "$1" in
                  store) cat > "$d/store.txt" ;;
                  lookup) if [ -f "$d/store.txt" ]; then cat "$d/store.txt"; else exit 1; fi ;;
                esac
                """);
        tool("security", """
                d=$(dirname "$0"); echo "$@" >> "$d/args.log"
                if [ "$1" = "-i" ]; then read line; echo "$line" | sed 's/.* -w //' > "$d/store.txt"; exit 0; fi
                if [ -f "$d/store.txt" ]; then cat "$d/store.txt"; else exit 44; fi
                """);
        tool("powershell", """
                read line
                case "$4" in *Unprotect*) echo "${line#W}" ;; *) echo "W$line" ;; esac
                """);
    }

    private void tool(String name, String body) throws IOException {
        Path p = Files.writeString(bin.resolve(name), "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    }

    private static KeyFile withVault(Path file, KeyVault vault) {
        return new KeyFile(file, vault);
    }

    @Test
    void theSecretServiceKeepsTheKeyAndNeverSeesItOnACommandLine() throws IOException {
        Path file = dir.resolve("keys.enc");
        KeyVault vault = new SecretToolVault(bin.resolve("secret-tool"), "alice");
        withVault(file, vault).put("openai.api.key", SECRET);
        assertThat(withVault(file, vault).read()).containsEntry("openai.api.key", SECRET);
        String kept = Files.readString(bin.resolve("store.txt")).strip();
        assertThat(java.util.Base64.getDecoder().decode(kept)).hasSize(32);
        assertThat(Files.readString(bin.resolve("args.log"))).doesNotContain(kept)
                .contains("store --label=localllm API keys service localllm-keys account alice")
                .contains("lookup service localllm-keys account alice");
        assertThat(Files.readString(file)).contains("\"vault\":\"secret-tool\"").doesNotContain(kept);
    }

    @Test
    void aSecondWriteKeepsTheKeystoresKey() throws IOException {
        Path file = dir.resolve("keys.enc");
        KeyVault vault = new SecretToolVault(bin.resolve("secret-tool"), "alice");
        withVault(file, vault).put("a.key", "1");
        String kept = Files.readString(bin.resolve("store.txt"));
        withVault(file, vault).put("b.key", "2");
        assertThat(Files.readString(bin.resolve("store.txt"))).isEqualTo(kept);
        assertThat(withVault(file, vault).read()).containsOnlyKeys("a.key", "b.key");
    }

    @Test
    void aKeyMissingFromTheKeystoreIsExplained() throws IOException {
        Path file = dir.resolve("keys.enc");
        KeyVault vault = new SecretToolVault(bin.resolve("secret-tool"), "alice");
        withVault(file, vault).put("openai.api.key", SECRET);
        Files.delete(bin.resolve("store.txt"));
        assertThatThrownBy(() -> withVault(file, vault).read()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("the Secret Service has no key for this key file")
                .hasMessageContaining("made by another user or machine");
    }

    @Test
    void theMacKeychainGetsTheKeyThroughStandardInput() throws IOException {
        Path file = dir.resolve("keys.enc");
        KeyVault vault = new MacKeychainVault(bin.resolve("security"), "bob");
        withVault(file, vault).put("openai.api.key", SECRET);
        assertThat(withVault(file, vault).read()).containsEntry("openai.api.key", SECRET);
        String kept = Files.readString(bin.resolve("store.txt")).strip();
        assertThat(Files.readString(bin.resolve("args.log"))).doesNotContain(kept)
                .contains("find-generic-password -s localllm-keys -a bob -w");
    }

    @Test
    void dpapiWrapsTheKeyIntoTheFile() throws IOException {
        Path file = dir.resolve("keys.enc");
        KeyVault vault = new DpapiVault(bin.resolve("powershell"));
        withVault(file, vault).put("openai.api.key", SECRET);
        assertThat(withVault(file, vault).read()).containsEntry("openai.api.key", SECRET);
        assertThat(Files.readString(file)).contains("\"vault\":\"windows-dpapi\"").contains("\"blob\":\"W");
    }

    @Test
    void aFileFromAnotherSystemsKeystoreIsNamed() {
        Path file = dir.resolve("keys.enc");
        withVault(file, new DpapiVault(bin.resolve("powershell"))).put("a.key", "v");
        assertThatThrownBy(() -> withVault(file, new SecretToolVault(bin.resolve("secret-tool"), "a")).read())
                .hasMessageContaining("was protected by windows-dpapi, which this system does not have");
    }

    @Test
    void aMissingToolIsAClearError() {
        KeyVault vault = new SecretToolVault(dir.resolve("nope/secret-tool"), "alice");
        assertThatThrownBy(() -> withVault(dir.resolve("keys.enc"), vault).put("a.key", "v"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("the Secret Service did not keep the key file's key")
                .hasMessageContaining("cannot run");
    }

    @Test
    @DisabledOnOs({OS.MAC, OS.WINDOWS})
    void linuxFindsSecretToolOnThePathOrSaysHowToInstallIt() {
        assertThat(KeyVaults.system(Map.of("PATH", bin.toString()))).isInstanceOf(SecretToolVault.class);
        assertThatThrownBy(() -> KeyVaults.system(Map.of("PATH", dir.resolve("empty").toString())))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("apt install libsecret-tools")
                .hasMessageContaining("LOCALLLM_KEYS_PASSPHRASE");
    }
}
