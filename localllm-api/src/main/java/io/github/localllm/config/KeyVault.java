package io.github.localllm.config;

import io.github.localllm.ConfigurationException;
import java.util.Map;

/**
 * Where the OS user's keystore keeps a key file's data key. The key file records what {@link #keep}
 * returns, so that {@link #recover} finds the same key again, on this machine, for this user only.
 */
interface KeyVault {

    /**
     * Hands a new data key to the keystore.
     *
     * @param key the data key
     * @return what the key file must record to find it again
     * @throws ConfigurationException if the keystore refuses it
     */
    Map<String, String> keep(byte[] key);

    /**
     * @param header what {@link #keep} returned, as the key file recorded it
     * @return the data key
     * @throws ConfigurationException if the keystore does not have it
     */
    byte[] recover(Map<String, String> header);

    /** @return the name the key file records, so a file made on another system is recognised */
    String name();
}
