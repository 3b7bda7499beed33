package io.codegenstreams.inference.spi;

/**
 * What the scheduler needs to know about a decoder model.
 *
 * @param name            declared model name
 * @param version         version string (from model.json)
 * @param vocabSize       logits per row
 * @param contextLength   positions 0..contextLength-1 are valid; a sequence stops with LENGTH when full
 * @param bosTokenId      token prepended to a prompt that fits the context untruncated
 * @param eosTokenId      end-of-text token: generating it finishes a sequence with STOP
 * @param kvBytesPerToken KV-cache bytes one token of one sequence occupies (all layers, keys and values)
 */
public record ModelInfo(String name, String version, int vocabSize, int contextLength, int bosTokenId,
                        int eosTokenId, long kvBytesPerToken) {
}
