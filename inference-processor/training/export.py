"""Export a checkpoint (or a seeded untrained model) to ONNX with KV cache, verify it, write model.json.

usage: export.py --config default|tiny [--checkpoint out/java-coder-3m.pt] [--untrained]
"""
import argparse
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import torch

from model import CONFIGS, EOT, GPT, OnnxWrapper, past_input_names

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS_DIR = os.path.normpath(os.path.join(HERE, "..", "src", "main", "resources", "models"))
OUT_DIR = os.path.join(HERE, "out")
OPSET = 17
ORT_VERSION = "1.20.0"   # com.microsoft.onnxruntime:onnxruntime from Maven Central, only for verification

TEST_PROMPTS = [
    "public int max(int a, int b) {",
    "import java.util.",
    "    for (int i = 0; i < n; i++) {\n        sum += ",
]


def encode(text):
    return [EOT] + list(text.encode("utf-8"))


# ---------------------------------------------------------------- greedy decoding through forward_kv

def run_step(model, ids, pos, mask, past):
    """One forward_kv run; appends the new keys and values to the per-layer past, as the Java engine does."""
    with torch.no_grad():
        logits, new = model.forward_kv(torch.tensor(ids), torch.tensor(pos), torch.tensor(mask), past)
        past = [(torch.cat([k, new[i, 0]], dim=2), torch.cat([v, new[i, 1]], dim=2)) for i, (k, v) in enumerate(past)]
    return logits.numpy(), past


def empty_past(cfg, B):
    return [(torch.zeros(B, cfg.n_head, 0, cfg.head_dim), torch.zeros(B, cfg.n_head, 0, cfg.head_dim))
            for _ in range(cfg.n_layer)]


def greedy_batch(model, prompts, steps):
    """Left-padded batch: prefill (past_seq=0) + `steps` decode steps. Returns per-row (tokens, logits list)."""
    cfg = model.cfg
    B, S = len(prompts), max(len(p) for p in prompts)
    ids = np.zeros((B, S), np.int64)
    pos = np.zeros((B, S), np.int64)
    mask = np.zeros((B, S), np.int64)
    for b, p in enumerate(prompts):
        pad = S - len(p)
        ids[b, pad:] = p
        pos[b, pad:] = np.arange(len(p))
        mask[b, pad:] = 1
    past = empty_past(cfg, B)
    next_pos = np.array([len(p) for p in prompts], np.int64)
    toks, logs = [[] for _ in range(B)], [[] for _ in range(B)]
    logits, past = run_step(model, ids, pos, mask, past)
    for step in range(steps + 1):
        nxt = logits.argmax(-1)
        for b in range(B):
            toks[b].append(int(nxt[b]))
            logs[b].append(logits[b].copy())
        if step == steps:
            break
        mask = np.concatenate([mask, np.ones((B, 1), np.int64)], axis=1)
        logits, past = run_step(model, nxt[:, None].astype(np.int64), next_pos[:, None].copy(), mask, past)
        next_pos += 1
    return toks, logs


def check_padded_equivalence(model, steps=10, tol=1e-4):
    prompts = [encode(p) for p in TEST_PROMPTS]
    alone = [greedy_batch(model, [p], steps) for p in prompts]
    batch_t, batch_l = greedy_batch(model, prompts, steps)
    worst = 0.0
    for b in range(len(prompts)):
        at, al = alone[b][0][0], alone[b][1][0]
        assert at == batch_t[b], f"row {b}: greedy tokens differ alone={at} batch={batch_t[b]}"
        for x, y in zip(al, batch_l[b]):
            assert np.isfinite(y).all(), "NaN/inf in batched logits"
            worst = max(worst, float(np.abs(x - y).max()))
    assert worst <= tol, f"padded batch logits differ by {worst}"
    # the full-sequence training path must agree with the KV path too
    with torch.no_grad():
        p = prompts[0]
        full = model.forward_train(torch.tensor([p + alone[0][0][0][:-1]]))[0]
    kv = np.stack(alone[0][1][0])
    tail = full[len(p) - 1:].numpy()
    worst_train = float(np.abs(kv - tail).max())
    assert worst_train <= tol, f"forward_train vs forward_kv differ by {worst_train}"
    return worst, worst_train, alone


# ---------------------------------------------------------------- ONNX export and checks

def export_onnx(model, path):
    cfg = model.cfg
    B, S, P = 2, 3, 4
    past_names = past_input_names(cfg.n_layer)
    args = (
        torch.randint(0, 256, (B, S)),
        torch.arange(P, P + S).repeat(B, 1),
        torch.ones(B, P + S, dtype=torch.int64),
        *[torch.zeros(B, cfg.n_head, P, cfg.head_dim) for _ in past_names],
    )
    axes = {
        "input_ids": {0: "batch", 1: "seq"},
        "position_ids": {0: "batch", 1: "seq"},
        "attention_mask": {0: "batch", 1: "total_seq"},
        "logits": {0: "batch"},
        "new_key_values": {2: "batch", 4: "seq"},
    }
    for n in past_names:
        axes[n] = {0: "batch", 2: "past_seq"}
    torch.onnx.export(
        OnnxWrapper(model).eval(), args, path,
        input_names=["input_ids", "position_ids", "attention_mask", *past_names],
        output_names=["logits", "new_key_values"],
        dynamic_axes=axes,
        opset_version=OPSET, do_constant_folding=True,
    )
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    ins = {i.name: (i.type.tensor_type.elem_type, [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim])
           for i in m.graph.input}
    outs = {o.name: (o.type.tensor_type.elem_type, [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim])
            for o in m.graph.output}
    I64, F32 = onnx.TensorProto.INT64, onnx.TensorProto.FLOAT
    assert list(ins) == ["input_ids", "position_ids", "attention_mask", *past_names], ins
    assert list(outs) == ["logits", "new_key_values"], outs
    assert ins["input_ids"][0] == I64 and ins["position_ids"][0] == I64 and ins["attention_mask"][0] == I64
    for n in past_names:
        assert ins[n] == (F32, ["batch", cfg.n_head, "past_seq", cfg.head_dim]), (n, ins[n])
    assert outs["logits"] == (F32, ["batch", cfg.vocab_size]), outs
    assert outs["new_key_values"] == (F32, [cfg.n_layer, 2, "batch", cfg.n_head, "seq", cfg.head_dim]), outs
    # the point of this contract: no node copies a past tensor (no Concat, Gather, Slice or Transpose reads one)
    for node in m.graph.node:
        for i in node.input:
            if i in past_names:
                assert node.op_type in ("MatMul", "Transpose", "Shape"), f"{node.op_type} reads {i}"
    return ins, outs


def write_vectors(path, alone, prompts, steps):
    """Plain-text reference for OrtCheck.java: torch's greedy tokens and logits for each prompt alone."""
    with open(path, "w") as f:
        f.write(f"{len(prompts)} {steps}\n")
        for p, (toks, logs) in zip(prompts, alone):
            f.write(" ".join(map(str, p)) + "\n")
            f.write(" ".join(map(str, toks[0])) + "\n")
            for l in logs[0]:
                f.write(" ".join(f"{v:.7g}" for v in l) + "\n")


def ort_check(model_dir, vectors):
    """Run OrtCheck.java against ONNX Runtime (Java binding from Maven Central). Returns its report or None."""
    jar = os.path.expanduser(f"~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/{ORT_VERSION}/onnxruntime-{ORT_VERSION}.jar")
    if not os.path.exists(jar) and shutil.which("mvn"):
        subprocess.run(["mvn", "-q", "dependency:get", f"-Dartifact=com.microsoft.onnxruntime:onnxruntime:{ORT_VERSION}"],
                       check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not os.path.exists(jar) or not shutil.which("java"):
        print("WARNING: ONNX Runtime (Maven jar or java) not available; skipped the ONNX Runtime check", file=sys.stderr)
        return None
    r = subprocess.run(["java", "-cp", jar, os.path.join(HERE, "OrtCheck.java"),
                        os.path.join(model_dir, "model.onnx"), vectors],
                       capture_output=True, text=True)
    print(r.stdout, end="")
    if r.returncode != 0:
        print(r.stderr, file=sys.stderr)
        raise SystemExit("ONNX Runtime check FAILED")
    return f"ONNX Runtime {ORT_VERSION} (Java API): " + r.stdout.strip().splitlines()[-1]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", choices=list(CONFIGS), default="default")
    ap.add_argument("--checkpoint")
    ap.add_argument("--untrained", action="store_true", help="export seeded random weights")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--no-card", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(2)

    cfg = CONFIGS[a.config]
    ckpt_path = a.checkpoint or os.path.join(OUT_DIR, f"{cfg.name}.pt")
    meta = {}
    torch.manual_seed(a.seed)
    model = GPT(cfg).eval()
    if not a.untrained:
        ck = torch.load(ckpt_path, map_location="cpu")
        model.load_state_dict(ck["model"])
        meta = ck["meta"]

    worst, worst_train, alone = check_padded_equivalence(model)
    print(f"padded-batch equivalence (torch KV path): max |dlogit| = {worst:.2e}; train-vs-kv {worst_train:.2e}")

    model_dir = os.path.join(MODELS_DIR, cfg.name)
    os.makedirs(model_dir, exist_ok=True)
    onnx_path = os.path.join(model_dir, "model.onnx")
    export_onnx(model, onnx_path)
    print(f"exported {onnx_path} ({os.path.getsize(onnx_path)} bytes); onnx.checker OK")

    os.makedirs(OUT_DIR, exist_ok=True)
    vectors = os.path.join(OUT_DIR, f"{cfg.name}.vectors.txt")
    prompts = [encode(p) for p in TEST_PROMPTS]
    write_vectors(vectors, alone, prompts, 10)
    ort_report = ort_check(model_dir, vectors)

    digest = sha256(onnx_path)
    info = {
        "name": cfg.name,
        "version": datetime.date.today().strftime("%Y.%m.%d") + "-" + digest[:8] + ("-untrained" if a.untrained else ""),
        "architecture": "byte-level decoder-only transformer",
        "vocab_size": cfg.vocab_size, "bos_token_id": EOT, "eos_token_id": EOT,
        "n_layer": cfg.n_layer, "n_head": cfg.n_head, "head_dim": cfg.head_dim, "d_model": cfg.d_model,
        "context_length": cfg.context_length,
        "parameters": model.num_parameters(),
        "kv_bytes_per_token": cfg.n_layer * 2 * cfg.n_head * cfg.head_dim * 4,
        "weights_bytes": os.path.getsize(onnx_path),
        "onnx_sha256": digest,
        "heldout_bits_per_byte": meta.get("heldout_bits_per_byte"),
        "training_seconds": int(meta.get("training_seconds", 0)),
        "opset": OPSET,
    }
    with open(os.path.join(model_dir, "model.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    print(json.dumps(info))

    if not a.no_card:
        from card import write_card
        write_card(model, info, meta, model_dir, worst, ort_report, untrained=a.untrained)


if __name__ == "__main__":
    main()
