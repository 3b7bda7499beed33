"""Sampling and MODEL_CARD.md writer."""
import os
import platform

import torch

from model import EOT

SAMPLE_PROMPTS = [
    "public int max(int a, int b) {",
    "    /**\n     * Returns the number of elements in this list.\n     */\n    public int size() {",
    "import java.util.List;\n\npublic class Stack<T> {\n    private final List<T> items",
]


@torch.no_grad()
def generate(model, prompt, max_new=160, temperature=0.0, seed=0):
    """KV-cache generation through forward_kv (the exported graph). temperature 0 = greedy."""
    cfg = model.cfg
    g = torch.Generator().manual_seed(seed)
    ids = [EOT] + list(prompt.encode("utf-8"))
    ids = ids[-(cfg.context_length - max_new):] if len(ids) + max_new > cfg.context_length else ids
    n = len(ids)
    from export import empty_past, run_step
    logits, past = run_step(model, [ids], torch.arange(n)[None].numpy(), torch.ones(1, n, dtype=torch.long).numpy(),
                            empty_past(cfg, 1))
    logits = torch.from_numpy(logits)
    out = []
    while len(out) < max_new and n < cfg.context_length:
        if temperature <= 0:
            tok = int(logits[0].argmax())
        else:
            tok = int(torch.multinomial(torch.softmax(logits[0] / temperature, -1), 1, generator=g))
        if tok == EOT:
            break
        out.append(tok)
        logits, past = run_step(model, [[tok]], [[n]], torch.ones(1, n + 1, dtype=torch.long).numpy(), past)
        logits = torch.from_numpy(logits)
        n += 1
    return bytes(out).decode("utf-8", errors="replace")


def fence(text):
    return "```java\n" + text + "\n```"


def write_card(model, info, meta, model_dir, worst, ort_report, untrained=False):
    cfg = model.cfg
    cmd = "inference-processor/training/train.sh " + ("default" if cfg.name == "java-coder-3m" else "tiny")
    lines = [f"# {cfg.name}", ""]
    if untrained:
        lines += ["**UNTRAINED placeholder** (random weights, seed fixed): same ONNX contract as the trained model, "
                  "for wiring up the engine only. Its output is noise.", ""]
    lines += [
        f"Byte-level decoder-only transformer trained on Java source code, exported to ONNX (opset {info['opset']}, fp32) "
        "with a KV cache for the codegen-streams inference engine.",
        "",
        "| | |", "|---|---|",
        f"| version | `{info['version']}` |",
        f"| parameters | {info['parameters']:,} (token embedding tied with the output head) |",
        f"| architecture | {cfg.n_layer} layers, d_model {cfg.d_model}, {cfg.n_head} heads x head_dim {cfg.head_dim}, MLP 4x with exact (erf) GELU, "
        f"pre-LayerNorm, learned absolute positions, context {cfg.context_length} |",
        f"| vocabulary | 257: bytes 0..255 of UTF-8 text + 256 = `<\\|endoftext\\|>` (BOS and EOS) |",
        f"| held-out bits per byte | {info['heldout_bits_per_byte']} |",
        f"| training | {info['training_seconds']} s wall clock, {meta.get('steps', 0)} steps x {meta.get('batch_size', 0)} sequences x "
        f"{cfg.context_length} tokens ({meta.get('tokens_seen', 0):,} tokens), AdamW lr {meta.get('lr', '-')} "
        f"with warmup + cosine decay, weight decay 0.1, {meta.get('precision', 'fp32')}, seed {meta.get('seed', '-')}. "
        "Wall-clock time depends on machine load: the shipped run shared its 2 cores with other concurrent builds |",
        f"| hardware | {meta.get('hardware', platform.processor() or platform.machine())}, CPU only, torch {torch.__version__} |",
        f"| model.onnx | {info['weights_bytes']:,} bytes, sha256 `{info['onnx_sha256']}` |",
        f"| KV cache | {info['kv_bytes_per_token']} bytes per token (fp32) |",
        "",
        "## Corpus and split",
        "",
        f"All `.java` files of the JDK's own sources (`{meta.get('corpus', 'lib/src.zip of Temurin 25')}`), "
        f"{meta.get('n_train_files', '?')} training files ({meta.get('train_bytes', 0):,} bytes) and "
        f"{meta.get('n_heldout_files', '?')} held-out files ({meta.get('heldout_bytes', 0):,} bytes). "
        "A file is held out when the first 4 bytes of sha1(path inside the zip), read as an integer, are < 2% of 2^32 "
        "(deterministic, about 2%). Files are joined with token 256 between them (and at the start). "
        "The leading license comment of each file (the first `/* ... */` block before any code, when it mentions "
        "a copyright or license) is stripped; nothing else is changed.",
        "",
        f"Held-out bits per byte = mean cross-entropy (base 2) of next-token prediction over "
        f"{meta.get('eval_tokens', 0):,} tokens of the held-out stream, cut into non-overlapping windows of "
        f"{cfg.context_length} (so each token sees on average half a window of context).",
        "",
        "## ONNX contract",
        "",
        "Inputs `input_ids` int64 [batch, seq], `position_ids` int64 [batch, seq], `attention_mask` int64 [batch, past_seq+seq], "
        f"`past_key_<l>` and `past_value_<l>` for each layer l in 0..{cfg.n_layer - 1}, float32 "
        f"[batch, {cfg.n_head}, past_seq, {cfg.head_dim}] (past_seq may be 0). "
        f"Outputs `logits` float32 [batch, 257] (last position of each row) and `new_key_values` float32 "
        f"[{cfg.n_layer}, 2, batch, {cfg.n_head}, seq, {cfg.head_dim}]: the keys (0) and values (1) of the fed positions "
        "only; the caller appends them to its cache, so no step copies the past. "
        "Query i sees key j iff attention_mask[b, j] == 1 and j <= past_seq + i; masked scores get an additive -1e4. "
        "Rows are left-padded; positions must stay below the context length.",
        "",
        "Verification done at export:",
        f"- padded-batch equivalence in PyTorch (3 prompts of different lengths alone vs in one left-padded batch, "
        f"prefill + 10 greedy decode steps with KV cache): same greedy tokens, max logit difference {worst:.1e};",
        f"- `onnx.checker` (full check), input/output names, dtypes and axes;",
        f"- {ort_report or 'ONNX Runtime check NOT run (no ONNX Runtime available)'}.",
        "",
        "## Samples",
        "",
        "Generated with the KV-cache path, 160 new bytes at most; greedy, then temperature 0.8 (seed 0).",
        "",
    ]
    if untrained:
        lines += ["(none: untrained weights produce random bytes)", ""]
    for i, p in enumerate([] if untrained else SAMPLE_PROMPTS, 1):
        lines += [f"**Prompt {i}** (each block shows the prompt followed directly by the model's continuation)", "",
                  "Greedy:", "", fence(p + generate(model, p)), "",
                  "Temperature 0.8:", "", fence(p + generate(model, p, temperature=0.8, seed=0)), ""]
    lines += [
        "## Limitations",
        "",
        "- Tiny model, tiny context (256 bytes): it learns Java syntax, JDK naming and Javadoc style, "
        "not program semantics; completions often compile-look plausible but are wrong or repetitive (greedy decoding loops).",
        "- Trained only on the JDK's sources: its style (and license-free file bodies) is the JDK's.",
        "- Byte-level: a sample may end in the middle of a UTF-8 sequence.",
        "- Not for production code generation; it exists to exercise the inference engine with a real model.",
        "",
        "## Reproduce",
        "",
        f"```\n{cmd}\n```",
        "",
        "installs the Debian packages if missing (python3-torch, python3-onnx, python3-numpy, libopenblas0-openmp), "
        "trains with fixed seeds, exports, verifies (also through ONNX Runtime's Java API from Maven Central) "
        "and rewrites model.onnx, model.json and this card. Thread scheduling makes results reproducible only up to "
        "float rounding.",
        "",
    ]
    with open(os.path.join(model_dir, "MODEL_CARD.md"), "w") as f:
        f.write("\n".join(lines))
