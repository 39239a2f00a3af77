package io.github.localllm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Passphrase protection; the OS keystores are in {@link KeyVaultTest}. */
class KeyFileTest {
    private static final String SECRET = "sk-proj-ABCDEF0123456789";
    /** Fewer rounds than the real 600,000, for speed; reading takes the count from the file. */
    private static final int FAST = 10_000;

    @TempDir
    Path dir;

    private KeyFile passphrase(Path file, String phrase) {
        return new KeyFile(file, KeyProtection.passphrase(phrase.toCharArray()), Map.of(), FAST);
    }

    @Test
    void whatIsWrittenIsReadBackAndNeverStoredInPlainText() throws IOException {
        Path file = dir.resolve("sub/keys.enc");
        KeyFile keys = passphrase(file, "correct horse");
        assertThat(keys.read()).as("no file yet").isEmpty();
        keys.put("openai.api.key", SECRET);
        keys.put("hf.token", "hf_xyz");
        assertThat(passphrase(file, "correct horse").read())
                .containsExactlyInAnyOrderEntriesOf(Map.of("openai.api.key", SECRET, "hf.token", "hf_xyz"));
        String text = Files.readString(file);
        assertThat(text).doesNotContain(SECRET).doesNotContain("hf_xyz").doesNotContain("openai")
                .contains("\"format\":\"localllm-keys/1\"").contains("\"iterations\":\"10000\"");
        assertThat(keys.remove("hf.token")).isTrue();
        assertThat(keys.remove("hf.token")).isFalse();
        assertThat(keys.read()).containsOnlyKeys("openai.api.key");
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void onlyTheOwnerCanReadTheFile() throws IOException {
        Path file = dir.resolve("keys.enc");
        passphrase(file, "p").put("openai.api.key", SECRET);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.list(dir)).as("no temporary file left").containsExactly(file);
    }

    @Test
    void eachWriteUsesAFreshNonceAndSalt() throws IOException {
        Path file = dir.resolve("keys.enc");
        KeyFile keys = passphrase(file, "p");
        keys.write(Map.of("a.key", "v"));
        String first = Files.readString(file);
        keys.write(Map.of("a.key", "v"));
        assertThat(Files.readString(file)).isNotEqualTo(first);
    }

    @Test
    void aWrongPassphraseSaysSoAndShowsNoSecret() {
        Path file = dir.resolve("keys.enc");
        passphrase(file, "right").put("openai.api.key", SECRET);
        assertThatThrownBy(() -> passphrase(file, "wrong").read()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot be decrypted: the passphrase is wrong")
                .hasMessageContaining("LOCALLLM_KEYS_PASSPHRASE")
                .hasMessageNotContaining(SECRET).hasMessageNotContaining("right");
    }

    @Test
    void aChangedHeaderFailsLikeAChangedSecret() throws IOException {
        Path file = dir.resolve("keys.enc");
        passphrase(file, "p").put("openai.api.key", SECRET);
        String text = Files.readString(file);
        // Raising the iteration count keeps the format valid: only the authentication can catch it.
        Files.writeString(file, text.replace("\"iterations\":\"10000\"", "\"iterations\":\"10001\""));
        assertThatThrownBy(() -> passphrase(file, "p").read()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("the file was changed after it was written");
        Files.writeString(file, text.replace("\"iterations\":\"10000\"", "\"iterations\":\"1\""));
        assertThatThrownBy(() -> passphrase(file, "p").read()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("key derivation this SDK does not accept");
    }

    @Test
    void aFileThatIsNotAKeyFileIsNamedAsSuch() throws IOException {
        Path file = Files.writeString(dir.resolve("keys.enc"), "OPENAI_API_KEY=sk-1", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> passphrase(file, "p").read()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is not a localllm key file (not JSON").hasMessageNotContaining("sk-1");
        Files.writeString(file, "{\"format\":\"other\"}");
        assertThatThrownBy(() -> passphrase(file, "p").read()).hasMessageContaining("no \"format\"");
        Files.writeString(file, "{\"format\":\"localllm-keys/1\",\"protection\":\"passphrase\",\"kdf\":"
                + "\"PBKDF2WithHmacSHA256\",\"iterations\":\"10000\",\"salt\":\"%%%\"}");
        assertThatThrownBy(() -> passphrase(file, "p").read()).hasMessageContaining("its salt is not base64");
    }

    @Test
    void aPassphraseFileOpenedWithTheKeystoreAsksForThePassphrase() {
        Path file = dir.resolve("keys.enc");
        passphrase(file, "p").put("openai.api.key", SECRET);
        KeyFile viaKeystore = new KeyFile(file, KeyProtection.osKeystore(), Map.of(), FAST);
        assertThatThrownBy(viaKeystore::read).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is protected by a passphrase; set keys.passphrase");
    }

    @Test
    void keysMustBeConfigurationKeys() {
        KeyFile keys = passphrase(dir.resolve("keys.enc"), "p");
        assertThatThrownBy(() -> keys.put("../etc", "v")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is not a configuration key");
        assertThatThrownBy(() -> KeyProtection.passphrase(new char[0])).isInstanceOf(IllegalArgumentException.class);
        assertThat(KeyProtection.passphrase("secret".toCharArray()).toString()).doesNotContain("secret");
    }

    @Test
    void anUnwritableFolderIsAClearError() throws IOException {
        Path blocker = Files.writeString(dir.resolve("file"), "x");
        KeyFile keys = passphrase(blocker.resolve("keys.enc"), "p");
        assertThatThrownBy(() -> keys.write(Map.of("a.key", "v"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot write the key file").hasMessageContaining("writable");
    }
}
