package io.codegenstreams.topology.internals;

import io.codegenstreams.schemas.CodeGenRequest;
import io.codegenstreams.schemas.Priority;

/**
 * A buffered request held in memory next to its durable copy in the lane store.
 *
 * @param model       the declared model that serves it (the request's, or the default), resolved once
 * @param deadlineMs  the request's own deadline, or its lane's default counted from arrival: the one place a
 *                    request's deadline is decided
 * @param expiresAtMs when it must leave the buffer: its deadline or the lane's max wait, whichever comes first
 */
record Pending(String id, String model, Priority lane, long arrivalMs, long deadlineMs, long expiresAtMs,
               String expiryReason, CodeGenRequest request) {}
