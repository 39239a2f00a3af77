/**
 * The store's machinery, not exported: HTTP requests with the redirect and credential rules, resume
 * records, the chunk table, the hashing that follows the downloaded bytes, and readers of the other
 * tools' model folders.
 */
package io.github.localllm.store.internal;
