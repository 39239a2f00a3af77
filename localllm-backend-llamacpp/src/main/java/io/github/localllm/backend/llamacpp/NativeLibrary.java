package io.github.localllm.backend.llamacpp;

import de.kherud.llama.LlamaModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the binding's native library where no other process overwrites it.
 *
 * <p>Left to itself, {@code de.kherud:llama} extracts {@code libjllama} to the same path in
 * the temporary directory on every start, overwriting the file another JVM may be loading
 * or running at that moment, which kills that JVM with SIGBUS (seen when two test JVMs
 * started together). Here the library goes to a directory named after its SHA-256, is
 * written to a temporary name and moved into place atomically, and is never rewritten;
 * the binding is pointed at it through its {@code de.kherud.llama.lib.path} property. A
 * path the user set there is respected.
 */
final class NativeLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibrary.class);
    static final String PATH_PROPERTY = "de.kherud.llama.lib.path";
    private static final String[] COMPANIONS = {"ggml-metal.metal"};
    private static boolean prepared;

    private NativeLibrary() {
    }

    static synchronized void prepare() {
        if (prepared || System.getProperty(PATH_PROPERTY) != null) {
            return;
        }
        prepared = true;
        Optional<String> folder = folder();
        if (folder.isEmpty()) {
            LOG.debug("no bundled llama.cpp library known for {} {}; the binding looks for one itself",
                    System.getProperty("os.name"), System.getProperty("os.arch"));
            return;
        }
        String name = System.mapLibraryName("jllama");
        try {
            byte[] library = resource(folder.get() + name);
            if (library == null) {
                return;
            }
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "localllm-native", sha256(library));
            Files.createDirectories(dir);
            place(dir.resolve(name), library);
            for (String companion : COMPANIONS) {
                byte[] bytes = resource(folder.get() + companion);
                if (bytes != null) {
                    place(dir.resolve(companion), bytes);
                }
            }
            System.setProperty(PATH_PROPERTY, dir.toString());
            LOG.debug("llama.cpp native library at {}", dir);
        } catch (IOException e) {
            // The binding's own extraction still works when nothing else runs beside it.
            LOG.warn("could not place the llama.cpp native library in {}: {}; falling back to the binding's"
                    + " own extraction", System.getProperty("java.io.tmpdir"), e.toString());
        }
    }

    /** @return the binding's resource folder for this OS and CPU, as its loader names them */
    static Optional<String> folder() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osFolder = os.startsWith("linux") ? "Linux" : os.startsWith("mac") ? "Mac"
                : os.startsWith("windows") ? "Windows" : null;
        String archFolder = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64"
                : arch.equals("x86") || arch.equals("i386") || arch.equals("i686") ? "x86" : null;
        if (osFolder == null || archFolder == null) {
            return Optional.empty();
        }
        return Optional.of("/de/kherud/llama/" + osFolder + "/" + archFolder + "/");
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = LlamaModel.class.getResourceAsStream(path)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private static void place(Path target, byte[] bytes) throws IOException {
        if (Files.isRegularFile(target) && Files.size(target) == bytes.length) {
            return;
        }
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
