package io.github.localllm.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads the implementations of one of the API's services, past broken jars. */
public final class Services {
    private static final Logger LOG = LoggerFactory.getLogger(Services.class);
    /** Recovery after a broken entry is best effort in ServiceLoader; never loop forever. */
    private static final int MAX_FAILURES = 100;

    private Services() {
    }

    /**
     * Every implementation found on the class and module path, in ServiceLoader's order. The
     * iterator, not {@code stream()}: an entry naming a missing class or a non-implementation fails
     * while the stream is traversed, outside any per-entry catch; the iterator moves past it, so one
     * broken jar cannot hide the others.
     *
     * @param service the service (this module must declare {@code uses} for it)
     * @param what what one implementation is, for the warning about a broken one
     * @param <T> the service type
     * @return the implementations that could be loaded
     */
    public static <T> List<T> load(Class<T> service, String what) {
        List<T> found = new ArrayList<>();
        Iterator<T> it = ServiceLoader.load(service).iterator();
        for (int failures = 0; failures < MAX_FAILURES; ) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                failures++;
                LOG.warn("skipping {}: {}", what, e.getMessage());
            }
        }
        return found;
    }
}
