package io.github.localllm.registry.hf;

import io.github.localllm.gguf.GgufFile;
import io.github.localllm.gguf.GgufTensorInfo;
import io.github.localllm.hardware.FitPlan;
import io.github.localllm.hardware.FitPlanner;
import io.github.localllm.hardware.FitRequest;
import io.github.localllm.hardware.HardwareProfile;
import io.github.localllm.registry.FitOptions;
import io.github.localllm.registry.ModelFit;
import java.util.ArrayList;
import java.util.List;

/** A fit plan from one or more GGUF headers, in the registry's terms. */
final class Fits {
    private Fits() {
    }

    /**
     * @param headers the header of each shard, in order (one for a single file)
     * @return one header over every shard's tensors: a split model's first shard holds the metadata, each
     *         shard its own tensors
     */
    static GgufFile merge(List<GgufFile> headers) {
        GgufFile first = headers.get(0);
        if (headers.size() == 1) {
            return first;
        }
        List<GgufTensorInfo> tensors = new ArrayList<>();
        long size = 0;
        for (GgufFile h : headers) {
            tensors.addAll(h.tensors());
            size += h.fileSize();
        }
        return new GgufFile(first.version(), first.alignment(), first.tensorDataOffset(), size, first.metadata(),
                tensors);
    }

    static ModelFit plan(HardwareProfile machine, GgufFile header, FitOptions options) {
        FitRequest.Builder request = FitRequest.builder(header).parallel(options.parallel());
        options.targetContext().ifPresent(request::targetContext);
        return of(FitPlanner.plan(machine, request.build()));
    }

    static ModelFit of(FitPlan plan) {
        return new ModelFit(plan.runnable(), plan.compatibility().name(), plan.engine().displayName(), plan.gpuLayers(),
                plan.contextSize(), plan.largestContext(), plan.memory() == null ? 0 : plan.memory().totalBytes(),
                plan.expectedTokensPerSecond(), plan.explanation());
    }
}
