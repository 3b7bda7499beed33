"""Train a byte-level GPT on the JDK's Java sources.

usage: train.py --config default|tiny [--steps N] [--batch-size B] [--lr LR]
Writes out/<name>.pt with the weights and the metadata used by export.py / the model card.
"""
import argparse
import hashlib
import math
import os
import platform
import re
import time
import zipfile

import numpy as np
import torch
import torch.nn.functional as F

from model import CONFIGS, EOT, GPT

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "out")
CORPUS = "/usr/lib/jvm/temurin-25-jdk-amd64/lib/src.zip"
HELDOUT_PERCENT = 2

# recipe per config: steps x batch chosen to fit the time budget on 2 CPU cores
RECIPES = {
    "default": dict(steps=3600, batch_size=32, lr=2e-3),
    "tiny": dict(steps=1600, batch_size=32, lr=3e-3),
}

LICENSE = re.compile(rb"\A\s*/\*.*?\*/[ \t]*\r?\n(\s*\n)*", re.S)


def strip_license(src: bytes) -> bytes:
    m = LICENSE.match(src)
    if m and re.search(rb"copyright|license", m.group(0), re.I):
        return src[m.end():]
    return src


def is_heldout(path: str) -> bool:
    h = int.from_bytes(hashlib.sha1(path.encode()).digest()[:4], "big")
    return h < HELDOUT_PERCENT * (1 << 32) // 100


def load_corpus(corpus=CORPUS, seed=0):
    """Returns (train stream, heldout stream, stats); streams are uint16 arrays with EOT between files."""
    cache = os.path.join(OUT_DIR, "corpus.npz")
    if os.path.exists(cache):
        d = np.load(cache)
        return d["train"], d["heldout"], {k: int(d[k]) for k in ("n_train_files", "n_heldout_files")}
    z = zipfile.ZipFile(corpus)
    names = sorted(n for n in z.namelist() if n.endswith(".java"))
    parts = {"train": [], "heldout": []}
    for n in names:
        parts["heldout" if is_heldout(n) else "train"].append(n)
    rng = np.random.default_rng(seed)
    rng.shuffle(parts["train"])  # mix modules in the stream (order is fixed by the seed)
    streams = {}
    sep = np.array([EOT], np.uint16)
    for split, files in parts.items():
        chunks = [sep]
        for n in files:
            chunks.append(np.frombuffer(strip_license(z.read(n)), np.uint8).astype(np.uint16))
            chunks.append(sep)
        streams[split] = np.concatenate(chunks)
    stats = {"n_train_files": len(parts["train"]), "n_heldout_files": len(parts["heldout"])}
    os.makedirs(OUT_DIR, exist_ok=True)
    np.savez(cache, train=streams["train"], heldout=streams["heldout"], **stats)
    return streams["train"], streams["heldout"], stats


def eval_windows(stream, ctx, n_windows):
    """n_windows evenly spaced, non-overlapping windows of ctx+1 tokens."""
    total = (len(stream) - 1) // ctx
    idx = np.linspace(0, total - 1, num=min(n_windows, total)).astype(np.int64) * ctx
    return torch.from_numpy(stream[idx[:, None] + np.arange(ctx + 1)].astype(np.int64))


@torch.no_grad()
def bits_per_byte(model, windows, batch=64):
    model.eval()
    nll, n = 0.0, 0
    for i in range(0, len(windows), batch):
        w = windows[i:i + batch]
        logits = model.forward_train(w[:, :-1])
        nll += F.cross_entropy(logits.reshape(-1, logits.size(-1)), w[:, 1:].reshape(-1), reduction="sum").item()
        n += w[:, 1:].numel()
    model.train()
    return nll / n / math.log(2), n


def lr_at(step, steps, peak, warmup):
    if step < warmup:
        return peak * (step + 1) / warmup
    t = (step - warmup) / max(1, steps - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * t)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", choices=list(CONFIGS), default="default")
    ap.add_argument("--steps", type=int)
    ap.add_argument("--batch-size", type=int)
    ap.add_argument("--lr", type=float)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--eval-every", type=int, default=200)
    ap.add_argument("--final-eval-windows", type=int, default=2048)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--fp32", action="store_true", help="train without bf16 autocast")
    a = ap.parse_args()
    r = dict(RECIPES[a.config])
    for k in ("steps", "batch_size", "lr"):
        if getattr(a, k) is not None:
            r[k] = getattr(a, k)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    cfg = CONFIGS[a.config]
    ctx = cfg.context_length

    t0 = time.time()
    train, heldout, stats = load_corpus()
    print(f"corpus: train {len(train):,} tokens / {stats['n_train_files']} files, "
          f"heldout {len(heldout):,} tokens / {stats['n_heldout_files']} files ({time.time() - t0:.1f}s)", flush=True)
    val = eval_windows(heldout, ctx, 128)

    model = GPT(cfg)
    print(f"{cfg.name}: {model.num_parameters():,} parameters; recipe {r}", flush=True)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=r["lr"], betas=(0.9, 0.95), eps=1e-8)
    rng = np.random.default_rng(a.seed)
    steps, B = r["steps"], r["batch_size"]
    warmup = max(50, steps // 50)
    ar = np.arange(ctx + 1)
    t_start = time.time()
    for step in range(steps):
        lr = lr_at(step, steps, r["lr"], warmup)
        for g in opt.param_groups:
            g["lr"] = lr
        off = rng.integers(0, len(train) - ctx - 1, size=B)
        batch = torch.from_numpy(train[off[:, None] + ar].astype(np.int64))
        # bf16 autocast for the matmuls (~3x faster on CPUs with AVX512-BF16); weights, optimizer and eval stay fp32
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=not a.fp32):
            logits = model.forward_train(batch[:, :-1])
        loss = F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), batch[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 20 == 0:
            el = time.time() - t_start
            print(f"step {step}/{steps} loss {loss.item() / math.log(2):.3f} bits lr {lr:.2e} "
                  f"{el:.0f}s ({el / (step + 1):.2f}s/step)", flush=True)
        if (step + 1) % a.eval_every == 0 and step + 1 < steps:
            bpb, _ = bits_per_byte(model, val)
            print(f"  eval step {step + 1}: heldout {bpb:.3f} bits/byte (128 windows)", flush=True)
    train_secs = time.time() - t_start

    final, n_eval = bits_per_byte(model, eval_windows(heldout, ctx, a.final_eval_windows))
    print(f"FINAL {cfg.name}: heldout {final:.4f} bits/byte over {n_eval:,} tokens; training {train_secs:.0f}s", flush=True)
    meta = {
        "heldout_bits_per_byte": round(final, 4), "eval_tokens": n_eval, "training_seconds": int(train_secs),
        "steps": steps, "batch_size": B, "lr": r["lr"], "seed": a.seed, "precision": "fp32" if a.fp32 else "bf16 autocast (fp32 weights)", "tokens_seen": steps * B * ctx,
        "train_bytes": int(len(train) - stats["n_train_files"] - 1),
        "heldout_bytes": int(len(heldout) - stats["n_heldout_files"] - 1),
        "corpus": CORPUS, "hardware": f"{platform.machine()} CPU ({os.cpu_count()} cores), {a.threads} torch threads",
        **stats,
    }
    os.makedirs(OUT_DIR, exist_ok=True)
    torch.save({"model": model.state_dict(), "config": cfg.to_dict(), "meta": meta}, os.path.join(OUT_DIR, f"{cfg.name}.pt"))


if __name__ == "__main__":
    main()
