package io.github.localllm.http;

import java.net.http.HttpResponse;

/** A 2xx answer whose body has not been read yet, with the context its failures are described in. */
record Answer(HttpResponse<StreamingBody> response, ErrorContext context) {
    StreamingBody body() {
        return response.body();
    }

    int status() {
        return response.statusCode();
    }
}
