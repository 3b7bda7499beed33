package io.codegenstreams.inference;

/** Why a successful generation ended. */
public enum FinishReason {
    /** End-of-text token or a stop sequence. */
    STOP,
    /** {@code maxNewTokens} reached, or the model's context is full. */
    LENGTH
}
