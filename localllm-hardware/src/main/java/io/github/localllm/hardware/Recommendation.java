package io.github.localllm.hardware;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@link CatalogRecommender} found for a task: the best model file that fits, if any, and why
 * each better model was passed over.
 *
 * @param task the task asked for
 * @param choice the chosen model and file, empty when nothing fits
 * @param passedOver the models ranked above the choice (all candidates when nothing fits), each with
 *        the reason its smallest file does not fit
 * @param <T> what the fit check returns for a fitting file, e.g. a plan
 */
public record Recommendation<T>(ModelTask task, Optional<Choice<T>> choice, List<Rejection> passedOver) {

    /**
     * The chosen model file.
     *
     * @param model the model
     * @param file its file to download and load
     * @param fit what the fit check returned, e.g. the plan
     * @param reason why it fits
     * @param <T> the fit's type
     */
    public record Choice<T>(CatalogModel model, CatalogFile file, T fit, String reason) {
        /** Checks no part is missing. */
        public Choice {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(fit, "fit");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A model passed over.
     *
     * @param model the model
     * @param file the file the reason is about: the model's smallest
     * @param reason why it does not fit
     */
    public record Rejection(CatalogModel model, CatalogFile file, String reason) {
        /** Checks no part is missing. */
        public Rejection {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Copies the list and checks no part is missing. */
    public Recommendation {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(choice, "choice");
        passedOver = List.copyOf(passedOver);
    }

    /** @return whether a model fits */
    public boolean found() {
        return choice.isPresent();
    }

    /** @return a paragraph saying what was chosen and why, or why nothing was */
    public String explanation() {
        String taskName = task.name().toLowerCase(java.util.Locale.ROOT);
        if (choice.isPresent()) {
            Choice<T> c = choice.get();
            String text = "Recommended " + taskName + " model: " + c.model().displayName() + " ("
                    + c.model().repository() + ", " + c.file() + "); it " + sentence(c.reason());
            if (!passedOver.isEmpty()) {
                text += " Larger models were passed over as too large or too slow here: " + passedOver.stream()
                        .map(r -> r.model().id()).collect(Collectors.joining(", ")) + ".";
            }
            return text;
        }
        if (passedOver.isEmpty()) {
            return "The catalog has no " + taskName + " model.";
        }
        Rejection smallest = passedOver.get(passedOver.size() - 1);
        return "No " + taskName + " model in the catalog fits this machine. The smallest, "
                + smallest.model().displayName() + " (" + smallest.file() + "), " + sentence(smallest.reason())
                + " Free memory by closing other programs, or use a remote engine.";
    }

    private static String sentence(String text) {
        return text.endsWith(".") ? text : text + ".";
    }
}
