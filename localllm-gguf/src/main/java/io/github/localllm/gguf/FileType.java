package io.github.localllm.gguf;

import java.util.Optional;

/**
 * The value of {@code general.file_type}: llama.cpp's {@code enum llama_ftype} (not {@code ggml_type}
 * and not ggml's {@code ggml_ftype}). Ids of 39 and above are recent and not yet consistent
 * across tools.
 */
public enum FileType {
    /** llama_ftype 0. */
    ALL_F32(0, "F32"),
    /** llama_ftype 1. */
    MOSTLY_F16(1, "F16"),
    /** llama_ftype 2. */
    MOSTLY_Q4_0(2, "Q4_0"),
    /** llama_ftype 3. */
    MOSTLY_Q4_1(3, "Q4_1"),
    /** llama_ftype 4 (removed from llama.h (commented out); still listed in docs/gguf.md). */
    MOSTLY_Q4_1_SOME_F16(4, "Q4_1_SOME_F16"),
    /** llama_ftype 5 (support removed). */
    MOSTLY_Q4_2(5, "Q4_2"),
    /** llama_ftype 6 (support removed). */
    MOSTLY_Q4_3(6, "Q4_3"),
    /** llama_ftype 7. */
    MOSTLY_Q8_0(7, "Q8_0"),
    /** llama_ftype 8. */
    MOSTLY_Q5_0(8, "Q5_0"),
    /** llama_ftype 9. */
    MOSTLY_Q5_1(9, "Q5_1"),
    /** llama_ftype 10. */
    MOSTLY_Q2_K(10, "Q2_K"),
    /** llama_ftype 11. */
    MOSTLY_Q3_K_S(11, "Q3_K_S"),
    /** llama_ftype 12. */
    MOSTLY_Q3_K_M(12, "Q3_K_M"),
    /** llama_ftype 13. */
    MOSTLY_Q3_K_L(13, "Q3_K_L"),
    /** llama_ftype 14. */
    MOSTLY_Q4_K_S(14, "Q4_K_S"),
    /** llama_ftype 15. */
    MOSTLY_Q4_K_M(15, "Q4_K_M"),
    /** llama_ftype 16. */
    MOSTLY_Q5_K_S(16, "Q5_K_S"),
    /** llama_ftype 17. */
    MOSTLY_Q5_K_M(17, "Q5_K_M"),
    /** llama_ftype 18. */
    MOSTLY_Q6_K(18, "Q6_K"),
    /** llama_ftype 19. */
    MOSTLY_IQ2_XXS(19, "IQ2_XXS"),
    /** llama_ftype 20. */
    MOSTLY_IQ2_XS(20, "IQ2_XS"),
    /** llama_ftype 21. */
    MOSTLY_Q2_K_S(21, "Q2_K_S"),
    /** llama_ftype 22. */
    MOSTLY_IQ3_XS(22, "IQ3_XS"),
    /** llama_ftype 23. */
    MOSTLY_IQ3_XXS(23, "IQ3_XXS"),
    /** llama_ftype 24. */
    MOSTLY_IQ1_S(24, "IQ1_S"),
    /** llama_ftype 25. */
    MOSTLY_IQ4_NL(25, "IQ4_NL"),
    /** llama_ftype 26. */
    MOSTLY_IQ3_S(26, "IQ3_S"),
    /** llama_ftype 27. */
    MOSTLY_IQ3_M(27, "IQ3_M"),
    /** llama_ftype 28. */
    MOSTLY_IQ2_S(28, "IQ2_S"),
    /** llama_ftype 29. */
    MOSTLY_IQ2_M(29, "IQ2_M"),
    /** llama_ftype 30. */
    MOSTLY_IQ4_XS(30, "IQ4_XS"),
    /** llama_ftype 31. */
    MOSTLY_IQ1_M(31, "IQ1_M"),
    /** llama_ftype 32. */
    MOSTLY_BF16(32, "BF16"),
    /** llama_ftype 33 (removed from gguf files (runtime repack instead)). */
    MOSTLY_Q4_0_4_4(33, "Q4_0_4_4"),
    /** llama_ftype 34 (removed from gguf files). */
    MOSTLY_Q4_0_4_8(34, "Q4_0_4_8"),
    /** llama_ftype 35 (removed from gguf files). */
    MOSTLY_Q4_0_8_8(35, "Q4_0_8_8"),
    /** llama_ftype 36. */
    MOSTLY_TQ1_0(36, "TQ1_0"),
    /** llama_ftype 37. */
    MOSTLY_TQ2_0(37, "TQ2_0"),
    /** llama_ftype 38. */
    MOSTLY_MXFP4_MOE(38, "MXFP4_MOE"),
    /** llama_ftype 39 (recent: huggingface.js tasks gguf.ts NVFP4=39; llama.h snapshot agrees). */
    MOSTLY_NVFP4(39, "NVFP4"),
    /** llama_ftype 40 (recent: huggingface.js Q1_0=40; NB a llama.h snapshot (commit 0011438e) ALSO assigns 40 to an experimental TQ3_0 — treat >=39 as provisional). */
    MOSTLY_Q1_0(40, "Q1_0"),
    /** llama_ftype 41 (recent: huggingface.js only (Q2_0=41); not in the llama.h snapshot seen). */
    MOSTLY_Q2_0(41, "Q2_0"),
    /** llama_ftype 1024 (llama.h LLAMA_FTYPE_GUESSED: not specified in the model file). */
    GUESSED(1024, "GUESSED");

    private final int id;
    private final String shortName;

    FileType(int id, String shortName) {
        this.id = id;
        this.shortName = shortName;
    }

    /** @return the stored {@code general.file_type} value */
    public int id() {
        return id;
    }

    /** @return the quantization name people use, e.g. {@code Q4_K_M} */
    public String shortName() {
        return shortName;
    }

    /**
     * @param id a {@code general.file_type} value
     * @return the file type, or empty when the id is unknown
     */
    public static Optional<FileType> byId(long id) {
        for (FileType t : values()) {
            if (t.id == id) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
