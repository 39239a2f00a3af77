package io.github.localllm.registry.hf;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.gguf.MemoryModel;
import io.github.localllm.hardware.CatalogFile;
import io.github.localllm.hardware.CatalogModel;
import io.github.localllm.hardware.FitPlanner;
import io.github.localllm.hardware.FitRequest;
import io.github.localllm.hardware.HardwareDetector;
import io.github.localllm.hardware.HardwareProfile;
import io.github.localllm.hardware.ModelCatalog;
import io.github.localllm.hardware.ModelTask;
import io.github.localllm.registry.FitOptions;
import io.github.localllm.registry.GgufVariant;
import io.github.localllm.registry.ModelDetails;
import io.github.localllm.registry.ModelFit;
import io.github.localllm.registry.ModelListing;
import io.github.localllm.registry.ModelPage;
import io.github.localllm.registry.ModelQuery;
import io.github.localllm.registry.ModelRegistry;
import io.github.localllm.registry.RepoFile;
import io.github.localllm.registry.RepositoryNotFoundException;
import io.github.localllm.registry.RevisionNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The bundled model catalog ({@link ModelCatalog}) as an offline {@link ModelRegistry}: search and details need
 * no network, and a fit is planned from the catalog's stated shape and file size. Each catalog model is one
 * repository; its files are its variants, each at the commit the catalog pins for it
 * ({@link CatalogFile#revision()}), so a variant's {@link GgufVariant#ref()} downloads exactly the bytes whose
 * size and hash the catalog states, whatever the repository's {@code main} has become since.
 */
public final class CatalogRegistry implements ModelRegistry {
    /** The registry's id. */
    public static final String ID = "catalog";
    private static final String PAGE_PREFIX = "catalog:";

    private final ModelCatalog catalog;
    private final Supplier<HardwareProfile> hardware;

    /**
     * @param catalog the catalog
     * @param hardware the machine fits are planned for
     */
    public CatalogRegistry(ModelCatalog catalog, Supplier<HardwareProfile> hardware) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.hardware = Objects.requireNonNull(hardware, "hardware");
    }

    /** @return the bundled catalog, planned for this machine (detected when first needed) */
    public static CatalogRegistry bundled() {
        return new CatalogRegistry(ModelCatalog.defaultCatalog(), () -> HardwareDetector.create().detect());
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public ModelPage search(ModelQuery query) {
        int offset = query.page().map(CatalogRegistry::offset).orElse(0);
        List<CatalogModel> found = catalog.models().stream().filter(m -> matches(m, query)).toList();
        List<ModelListing> page = new ArrayList<>();
        for (int i = offset; i < found.size() && page.size() < query.limit(); i++) {
            page.add(listing(found.get(i)));
        }
        int next = offset + page.size();
        return new ModelPage(page, next < found.size() ? Optional.of(PAGE_PREFIX + next) : Optional.empty());
    }

    private static int offset(String token) {
        try {
            if (token.startsWith(PAGE_PREFIX)) {
                int offset = Integer.parseInt(token.substring(PAGE_PREFIX.length()));
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw new InvalidRequestException("the page token is not one the catalog gave; pass ModelPage.nextPage()"
                + " of an earlier search unchanged");
    }

    private static boolean matches(CatalogModel m, ModelQuery q) {
        String haystack = (m.id() + " " + m.displayName() + " " + m.repository()).toLowerCase(Locale.ROOT);
        if (q.text().isPresent()) {
            for (String word : q.text().get().toLowerCase(Locale.ROOT).split("\\s+")) {
                if (!haystack.contains(word)) {
                    return false;
                }
            }
        }
        if (q.author().isPresent() && !owner(m).equalsIgnoreCase(q.author().get())) {
            return false;
        }
        return q.pipelineTag().map(tag -> pipelineTag(m).equals(tag)).orElse(true);
    }

    /**
     * The catalog knows each repository at one commit only: {@code revision} may name it, or be {@code main} or
     * blank, which stand for it here (the catalog's {@code main} is the commit it was checked at).
     */
    @Override
    public ModelDetails details(String repository, String revision) {
        CatalogModel model = catalog.models().stream()
                .filter(m -> m.repository().equalsIgnoreCase(repository) || m.id().equalsIgnoreCase(repository))
                .findFirst()
                .orElseThrow(() -> new RepositoryNotFoundException("the model catalog has no '" + repository
                        + "'; search it for a name, or ask the Hugging Face registry for repositories beyond it"));
        if (!knows(model, revision)) {
            throw new RevisionNotFoundException("the model catalog lists " + model.repository() + " at commit "
                    + model.revision() + " only, not '" + revision + "'; ask the Hugging Face registry for other"
                    + " revisions");
        }
        List<RepoFile> files = model.files().stream()
                .map(f -> new RepoFile(f.fileName(), f.sizeBytes(), f.sha256())).toList();
        List<GgufVariant> variants = model.files().stream()
                .map(f -> new GgufVariant(model.repository(), f.revision(), Optional.of(f.quantization()),
                        List.of(new RepoFile(f.fileName(), f.sizeBytes(), f.sha256())), Optional.empty()))
                .toList();
        return ModelDetails.builder(listing(model), model.revision())
                .license(model.license())
                .architecture(model.architecture())
                .contextLength(model.contextLength())
                .parameterCount(model.parameterCount())
                .files(files)
                .variants(variants)
                .build();
    }

    private static boolean knows(CatalogModel model, String revision) {
        if (revision == null || revision.isBlank() || revision.equals(CatalogFile.UNPINNED)) {
            return true;
        }
        String rev = revision.toLowerCase(Locale.ROOT);
        return rev.equals(model.revision()) || model.files().stream().anyMatch(f -> f.revision().equals(rev));
    }

    /** Planned from the catalog's shape and the file's size, offline; empty for a model without a stated shape. */
    @Override
    public Optional<ModelFit> fit(GgufVariant variant, FitOptions options) {
        Optional<CatalogModel> model = catalog.models().stream()
                .filter(m -> m.repository().equalsIgnoreCase(variant.repository())).findFirst();
        Optional<CatalogFile> file = model.flatMap(m -> m.files().stream()
                .filter(f -> f.fileName().equals(variant.firstFile().path())).findFirst());
        if (model.isEmpty() || file.isEmpty() || model.get().shape().isEmpty()) {
            return Optional.empty();
        }
        MemoryModel memory = MemoryModel.fromShape(model.get().shape().get(), file.get().sizeBytes(),
                file.get().quantization());
        FitRequest.Builder request = FitRequest.builder(memory).parallel(options.parallel());
        options.targetContext().ifPresent(request::targetContext);
        return Optional.of(Fits.of(FitPlanner.plan(hardware.get(), request.build())));
    }

    private static ModelListing listing(CatalogModel m) {
        List<String> tags = new ArrayList<>();
        tags.add("gguf");
        tags.add("license:" + m.license());
        m.tasks().stream().map(t -> t.name().toLowerCase(Locale.ROOT)).sorted().forEach(tags::add);
        return ModelListing.builder(m.repository()).author(owner(m)).tags(tags).pipelineTag(pipelineTag(m))
                .library("gguf").build();
    }

    private static String owner(CatalogModel m) {
        int slash = m.repository().indexOf('/');
        return slash < 0 ? "" : m.repository().substring(0, slash);
    }

    private static String pipelineTag(CatalogModel m) {
        return m.supports(ModelTask.EMBEDDING) && !m.supports(ModelTask.CHAT) ? "feature-extraction" : "text-generation";
    }
}
