package io.github.localllm.hardware;

import java.util.Objects;
import java.util.Optional;

/**
 * A {@link FitCheck}'s answer: the fit when the file can be loaded, and in either case a sentence
 * saying why.
 *
 * @param fit the fit (e.g. a plan), or {@code null} when the file does not fit
 * @param reason why it fits or does not, in words a user can act on
 * @param <T> the fit's type
 */
public record FitVerdict<T>(T fit, String reason) {

    /** Checks the reason is given. */
    public FitVerdict {
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * @param fit the fit
     * @param reason why it fits
     * @param <T> the fit's type
     * @return a positive verdict
     */
    public static <T> FitVerdict<T> fits(T fit, String reason) {
        return new FitVerdict<>(Objects.requireNonNull(fit, "fit"), reason);
    }

    /**
     * @param reason why the file does not fit
     * @param <T> the type a fit would have
     * @return a negative verdict
     */
    public static <T> FitVerdict<T> doesNotFit(String reason) {
        return new FitVerdict<>(null, reason);
    }

    /** @return whether the file fits */
    public boolean fitsMachine() {
        return fit != null;
    }

    /** @return the fit, if the file fits */
    public Optional<T> asOptional() {
        return Optional.ofNullable(fit);
    }
}
