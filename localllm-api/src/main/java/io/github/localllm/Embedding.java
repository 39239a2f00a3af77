package io.github.localllm;

import java.util.Arrays;

/**
 * One text's vector. Immutable: the array is copied in and out.
 *
 * @param vector the components
 */
public record Embedding(float[] vector) {

    /** Copies the vector. */
    public Embedding {
        vector = vector.clone();
    }

    /** @return a copy of the components */
    @Override
    public float[] vector() {
        return vector.clone();
    }

    /** @return the number of components */
    public int dimension() {
        return vector.length;
    }

    /** @return the Euclidean length */
    public double norm() {
        double sum = 0;
        for (float v : vector) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }

    /**
     * @param other a vector of the same dimension
     * @return the cosine of the angle between the two vectors
     */
    public double cosineSimilarity(Embedding other) {
        if (other.vector.length != vector.length) {
            throw new InvalidRequestException("cannot compare vectors of dimension " + vector.length
                    + " and " + other.vector.length + "; embed both texts with the same model");
        }
        double dot = 0;
        for (int i = 0; i < vector.length; i++) {
            dot += (double) vector[i] * other.vector[i];
        }
        double norms = norm() * other.norm();
        return norms == 0 ? 0 : dot / norms;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Embedding && Arrays.equals(vector, ((Embedding) o).vector);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(vector);
    }

    @Override
    public String toString() {
        return "Embedding[dimension=" + vector.length + "]";
    }
}
