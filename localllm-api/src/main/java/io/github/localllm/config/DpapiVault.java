package io.github.localllm.config;

import io.github.localllm.ConfigurationException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Windows: the Data Protection API for the current user, through PowerShell. DPAPI keeps no entry:
 * it returns the key wrapped with the user's login secret, and the key file records that blob.
 */
record DpapiVault(Path powershell) implements KeyVault {
    static final String NAME = "windows-dpapi";
    private static final String PROTECT = "Add-Type -AssemblyName System.Security;"
            + "$b=[Convert]::FromBase64String([Console]::In.ReadLine());"
            + "[Convert]::ToBase64String([Security.Cryptography.ProtectedData]::Protect($b,$null,'CurrentUser'))";
    private static final String UNPROTECT = "Add-Type -AssemblyName System.Security;"
            + "$b=[Convert]::FromBase64String([Console]::In.ReadLine());"
            + "[Convert]::ToBase64String([Security.Cryptography.ProtectedData]::Unprotect($b,$null,'CurrentUser'))";

    @Override
    public Map<String, String> keep(byte[] key) {
        ToolRun run = ToolRun.of(command(PROTECT), Base64.getEncoder().encodeToString(key) + "\n");
        String blob = run.stdout().strip();
        if (!run.ok() || blob.isEmpty()) {
            throw new ConfigurationException("DPAPI did not protect the key file's key (" + powershell + ": "
                    + run.failure() + "); protect the file with a passphrase instead");
        }
        return Map.of("vault", NAME, "blob", blob);
    }

    @Override
    public byte[] recover(Map<String, String> header) {
        String blob = header.get("blob");
        if (blob == null || blob.isBlank()) {
            throw new ConfigurationException("the key file names DPAPI but holds no protected key; write the keys"
                    + " again");
        }
        ToolRun run = ToolRun.of(command(UNPROTECT), blob + "\n");
        String text = run.stdout().strip();
        if (!run.ok() || text.isEmpty()) {
            throw new ConfigurationException("DPAPI cannot unprotect this key file's key (" + powershell + ": "
                    + run.failure() + "); it was made by another Windows user or machine: write the keys again");
        }
        return KeyVaults.decodeKey(text, NAME);
    }

    private List<String> command(String script) {
        return List.of(powershell.toString(), "-NoProfile", "-NonInteractive", "-Command", script);
    }

    @Override
    public String name() {
        return NAME;
    }
}
