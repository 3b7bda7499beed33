package io.codegenstreams.inference;

/** Admission lane of a request. HIGH is admitted before NORMAL before LOW, with aging so LOW never starves. */
public enum Priority {
    HIGH, NORMAL, LOW
}
