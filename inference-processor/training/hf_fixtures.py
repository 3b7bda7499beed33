"""Small random-weight models in the Hugging Face snapshot + Optimum ONNX layout, with their reference outputs.

Each fixture directory holds what `optimum-cli export onnx --task text-generation-with-past` and a Hugging Face
snapshot put there: config.json, generation_config.json, tokenizer.json, tokenizer_config.json,
special_tokens_map.json and the ONNX graph (inputs input_ids, attention_mask, position_ids,
past_key_values.{i}.key|value; outputs logits, present.{i}.key|value). The architectures are written here in plain
PyTorch, because transformers/optimum are not installable on this machine; the graph's names, shapes and semantics
follow Optimum's export (present = concat(past, new), keys stored after the rotary embedding, an empty past on the
first run).

  gpt2-tiny   GPT-2 family (learned positions, fused qkv, tied head), model.onnx at the root, StarCoder FIM tokens
  llama-tiny  Llama family (RoPE, grouped-query attention, RMSNorm, SwiGLU), onnx/model.onnx, BOS added by the
              tokenizer's post-processor, Qwen2.5-Coder FIM tokens

reference.json beside each model lists prompts, their token ids under this tokenizer, and the greedy continuation
computed by the PyTorch model with an unpadded KV cache: the Java engine must reproduce them token for token.

usage: /usr/bin/python3 hf_fixtures.py [OUT_DIR]   (default: ../src/test/resources/hf-fixtures)
       /usr/bin/python3 hf_fixtures.py bench [DIR]  (one model in both layouts, for bench.StepTimeTable)
"""
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "src", "test", "resources", "hf-fixtures"))
OPSET = 17
MERGES = 200
GREEDY_TOKENS = 24

PROMPTS = [
    "public int max(int a, int b) {",
    "import java.util.",
    "    // grüße, 世界 🚀\n    String s = \"",
    "for (int i = 0; i < n; i++) {\n    sum += ",
]
FIM_CASES = [
    ("public int add(int a, int b) {\n    return ", ";\n}\n"),
    ("String name = \"café", "\";\n"),
]


# ---------------------------------------------------------------- byte-level BPE (the tokenizers library's rules)

def bytes_to_unicode():
    """GPT-2's reversible byte -> printable character map, as used by the ByteLevel pre-tokenizer and decoder."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


B2U = bytes_to_unicode()


def to_symbols(text):
    return [B2U[b] for b in text.encode("utf-8")]


def train_bpe(corpus, merges):
    """Greedy BPE training over the whole corpus as one word (ByteLevel with use_regex=false)."""
    seq = to_symbols(corpus)
    learned = []
    for _ in range(merges):
        counts = {}
        for a, b in zip(seq, seq[1:]):
            counts[(a, b)] = counts.get((a, b), 0) + 1
        if not counts:
            break
        pair = max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
        if counts[pair] < 2:
            break
        learned.append(pair)
        merged, i = [], 0
        while i < len(seq):
            if i + 1 < len(seq) and (seq[i], seq[i + 1]) == pair:
                merged.append(seq[i] + seq[i + 1])
                i += 2
            else:
                merged.append(seq[i])
                i += 1
        seq = merged
    return learned


def bpe_encode(text, vocab, ranks):
    """The BPE model's merge order: repeatedly the lowest-ranked adjacent pair, leftmost first."""
    word = to_symbols(text)
    while len(word) > 1:
        best, at = None, -1
        for i in range(len(word) - 1):
            r = ranks.get((word[i], word[i + 1]))
            if r is not None and (best is None or r < best):
                best, at = r, i
        if best is None:
            break
        word = word[:at] + [word[at] + word[at + 1]] + word[at + 2:]
    return [vocab[s] for s in word]


class Tokenizer:
    def __init__(self, corpus, specials, bos=None):
        self.merges = train_bpe(corpus, MERGES)
        base = [B2U[b] for b in range(256)]
        self.vocab = {s: i for i, s in enumerate(base)}
        for a, b in self.merges:
            if a + b not in self.vocab:
                self.vocab[a + b] = len(self.vocab)
        self.ranks = {pair: i for i, pair in enumerate(self.merges)}
        self.special = {}
        for s in specials:
            self.special[s] = len(self.vocab) + len(self.special)
        self.bos = bos
        self.size = len(self.vocab) + len(self.special)

    def encode(self, text, add_special=True):
        ids = bpe_encode(text, self.vocab, self.ranks) if text else []
        if add_special and self.bos is not None:
            ids = [self.special[self.bos]] + ids
        return ids

    def tokenizer_json(self):
        added = [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                  "normalized": False, "special": True} for s, i in self.special.items()]
        post = None
        if self.bos is not None:
            bos_id = self.special[self.bos]
            post = {"type": "TemplateProcessing",
                    "single": [{"SpecialToken": {"id": self.bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                    "pair": [{"SpecialToken": {"id": self.bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                             {"Sequence": {"id": "B", "type_id": 1}}],
                    "special_tokens": {self.bos: {"id": self.bos, "ids": [bos_id], "tokens": [self.bos]}}}
        return {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
                "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                                  "use_regex": False},
                "post_processor": post,
                "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
                "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                          "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                          "ignore_merges": False, "vocab": self.vocab,
                          "merges": [a + " " + b for a, b in self.merges]}}


# ---------------------------------------------------------------- models (HF semantics, plain PyTorch)

def attend(q, k, v, attention_mask, past_len):
    """q [b,h,s,d], k/v [b,h,past+s,d]; causal over the concatenated axis, masked columns hidden."""
    s, t = q.shape[2], k.shape[2]
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    qi = torch.arange(s).unsqueeze(1) + past_len
    kj = torch.arange(t).unsqueeze(0)
    allowed = (kj <= qi).unsqueeze(0).unsqueeze(0) & (attention_mask[:, None, None, :] > 0)
    scores = scores.masked_fill(~allowed, torch.finfo(scores.dtype).min)
    return torch.softmax(scores, dim=-1) @ v


class Gpt2(nn.Module):
    def __init__(self, vocab, n_embd=32, n_layer=2, n_head=4, n_positions=128):
        super().__init__()
        self.n_head, self.n_layer = n_head, n_layer
        self.wte = nn.Embedding(vocab, n_embd)
        self.wpe = nn.Embedding(n_positions, n_embd)
        self.blocks = nn.ModuleList()
        for _ in range(n_layer):
            blk = nn.Module()
            blk.ln_1, blk.ln_2 = nn.LayerNorm(n_embd), nn.LayerNorm(n_embd)
            blk.c_attn, blk.c_proj = nn.Linear(n_embd, 3 * n_embd), nn.Linear(n_embd, n_embd)
            blk.c_fc, blk.mlp_proj = nn.Linear(n_embd, 4 * n_embd), nn.Linear(4 * n_embd, n_embd)
            self.blocks.append(blk)
        self.ln_f = nn.LayerNorm(n_embd)

    def forward(self, input_ids, attention_mask, position_ids, *past):
        b, s = input_ids.shape
        x = self.wte(input_ids) + self.wpe(position_ids)
        presents = []
        for i, blk in enumerate(self.blocks):
            h = blk.ln_1(x)
            q, k, v = blk.c_attn(h).split(h.shape[-1], dim=-1)
            q, k, v = [t.view(b, s, self.n_head, -1).transpose(1, 2) for t in (q, k, v)]
            k = torch.cat([past[2 * i], k], dim=2)
            v = torch.cat([past[2 * i + 1], v], dim=2)
            presents += [k, v]
            a = attend(q, k, v, attention_mask, past[2 * i].shape[2])
            x = x + blk.c_proj(a.transpose(1, 2).reshape(b, s, -1))
            x = x + blk.mlp_proj(F.gelu(blk.c_fc(blk.ln_2(x)), approximate="tanh"))
        logits = self.ln_f(x) @ self.wte.weight.T
        return (logits, *presents)


class RmsNorm(nn.Module):
    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.weight, self.eps = nn.Parameter(torch.ones(d)), eps

    def forward(self, x):
        return self.weight * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)


def rotate_half(x):
    a, b = x.chunk(2, dim=-1)
    return torch.cat([-b, a], dim=-1)


def repeat_kv(x, rep):
    """[b, kv, t, d] -> [b, kv * rep, t, d], each key/value head shared by rep query heads (grouped-query)."""
    b, kv, t, d = x.shape
    return x[:, :, None, :, :].expand(b, kv, rep, t, d).reshape(b, kv * rep, t, d)


class Llama(nn.Module):
    def __init__(self, vocab, hidden=32, layers=2, heads=4, kv_heads=2, theta=10000.0):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim, self.theta = heads, kv_heads, hidden // heads, theta
        self.embed = nn.Embedding(vocab, hidden)
        self.layers = nn.ModuleList()
        for _ in range(layers):
            L = nn.Module()
            L.input_layernorm, L.post_attention_layernorm = RmsNorm(hidden), RmsNorm(hidden)
            L.q_proj = nn.Linear(hidden, heads * self.head_dim, bias=False)
            L.k_proj = nn.Linear(hidden, kv_heads * self.head_dim, bias=False)
            L.v_proj = nn.Linear(hidden, kv_heads * self.head_dim, bias=False)
            L.o_proj = nn.Linear(heads * self.head_dim, hidden, bias=False)
            L.gate, L.up = nn.Linear(hidden, 3 * hidden, bias=False), nn.Linear(hidden, 3 * hidden, bias=False)
            L.down = nn.Linear(3 * hidden, hidden, bias=False)
            self.layers.append(L)
        self.norm = RmsNorm(hidden)
        self.lm_head = nn.Linear(hidden, vocab, bias=False)

    def rope(self, x, position_ids):
        inv = 1.0 / (self.theta ** (torch.arange(0, self.head_dim, 2).float() / self.head_dim))
        freqs = position_ids.float().unsqueeze(-1) * inv
        emb = torch.cat([freqs, freqs], dim=-1)
        cos, sin = emb.cos().unsqueeze(1), emb.sin().unsqueeze(1)
        return x * cos + rotate_half(x) * sin

    def forward(self, input_ids, attention_mask, position_ids, *past):
        b, s = input_ids.shape
        x = self.embed(input_ids)
        presents = []
        rep = self.heads // self.kv_heads
        for i, L in enumerate(self.layers):
            h = L.input_layernorm(x)
            q = L.q_proj(h).view(b, s, self.heads, -1).transpose(1, 2)
            k = L.k_proj(h).view(b, s, self.kv_heads, -1).transpose(1, 2)
            v = L.v_proj(h).view(b, s, self.kv_heads, -1).transpose(1, 2)
            q, k = self.rope(q, position_ids), self.rope(k, position_ids)
            k = torch.cat([past[2 * i], k], dim=2)
            v = torch.cat([past[2 * i + 1], v], dim=2)
            presents += [k, v]
            a = attend(q, repeat_kv(k, rep), repeat_kv(v, rep), attention_mask, past[2 * i].shape[2])
            x = x + L.o_proj(a.transpose(1, 2).reshape(b, s, -1))
            h = L.post_attention_layernorm(x)
            x = x + L.down(F.silu(L.gate(h)) * L.up(h))
        return (self.lm_head(self.norm(x)), *presents)


# ---------------------------------------------------------------- export and references

def greedy(model, ids, n, layers, kv_heads, head_dim, eos):
    past = [torch.zeros(1, kv_heads, 0, head_dim) for _ in range(2 * layers)]
    out, feed, pos = [], ids, 0
    with torch.no_grad():
        for _ in range(n):
            t = torch.tensor([feed])
            total = pos + len(feed)
            res = model(t, torch.ones(1, total, dtype=torch.long), torch.arange(pos, total).unsqueeze(0), *past)
            past = list(res[1:])
            nxt = int(res[0][0, -1].argmax())
            out.append(nxt)
            pos, feed = total, [nxt]
            if nxt in eos:
                break
    return out


def export(model, path, layers, kv_heads, head_dim):
    names = []
    for i in range(layers):
        names += [f"past_key_values.{i}.key", f"past_key_values.{i}.value"]
    outs = ["logits"] + [n.replace("past_key_values", "present") for n in names]
    dyn = {"input_ids": {0: "batch_size", 1: "sequence_length"},
           "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length"},
           "position_ids": {0: "batch_size", 1: "sequence_length"},
           "logits": {0: "batch_size", 1: "sequence_length"}}
    for n in names:
        dyn[n] = {0: "batch_size", 2: "past_sequence_length"}
    for n in outs[1:]:
        dyn[n] = {0: "batch_size", 2: "past_sequence_length + sequence_length"}
    args = (torch.tensor([[1, 2, 3]]), torch.ones(1, 5, dtype=torch.long), torch.tensor([[2, 3, 4]]),
            *[torch.zeros(1, kv_heads, 2, head_dim) for _ in names])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(model, args, path, input_names=["input_ids", "attention_mask", "position_ids"] + names,
                      output_names=outs, dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True)


def write(d, name, obj):
    with open(os.path.join(d, name), "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1, ensure_ascii=False)
        f.write("\n")


def corpus():
    """The tokenizers' training text: fixture-corpus.txt (Java source kept beside the recipe, so the vocabulary and
    the references do not change when the project's sources do)."""
    with open(os.path.join(HERE, "fixture-corpus.txt"), encoding="utf-8") as f:
        return f.read()


def fixture(out, name, family, text):
    torch.manual_seed(20261207 + len(name))
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    if family == "gpt2":
        fim = ["<fim_prefix>", "<fim_middle>", "<fim_suffix>", "<fim_pad>"]
        tok = Tokenizer(text, ["<|endoftext|>"] + fim)
        eos = tok.special["<|endoftext|>"]
        layers, heads, kv_heads, hidden, ctx = 2, 4, 4, 32, 128
        model = Gpt2(tok.size, hidden, layers, heads, ctx)
        with torch.no_grad():  # small embeddings: with a tied head, N(0, 1) ones make every token predict itself
            model.wte.weight.normal_(0, 0.05)
            model.wpe.weight.normal_(0, 0.5)
            for m in model.modules():
                if isinstance(m, nn.Linear):
                    m.weight.normal_(0, 2.0 / math.sqrt(m.in_features))
        config = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": tok.size,
                  "n_positions": ctx, "n_embd": hidden, "n_layer": layers, "n_head": heads,
                  "activation_function": "gelu_new", "bos_token_id": eos, "eos_token_id": eos,
                  "tie_word_embeddings": True, "torch_dtype": "float32", "use_cache": True}
        onnx_path = os.path.join(d, "model.onnx")
        tcfg = {"model_max_length": ctx, "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>",
                "unk_token": "<|endoftext|>", "add_bos_token": False, "tokenizer_class": "GPT2Tokenizer"}
        stm = {"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>",
               "additional_special_tokens": fim}
        gen = {"bos_token_id": eos, "eos_token_id": eos}
        fim_ids = [tok.special[t] for t in ("<fim_prefix>", "<fim_suffix>", "<fim_middle>")]
    else:
        fim = ["<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|fim_pad|>", "<|endoftext|>"]
        tok = Tokenizer(text, ["<s>", "</s>"] + fim, bos="<s>")
        eos = tok.special["</s>"]
        layers, heads, kv_heads, hidden, ctx = 2, 4, 2, 32, 256
        model = Llama(tok.size, hidden, layers, heads, kv_heads)
        config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": tok.size,
                  "hidden_size": hidden, "intermediate_size": 3 * hidden, "num_hidden_layers": layers,
                  "num_attention_heads": heads, "num_key_value_heads": kv_heads, "max_position_embeddings": ctx,
                  "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "hidden_act": "silu",
                  "bos_token_id": tok.special["<s>"], "eos_token_id": eos, "tie_word_embeddings": False,
                  "torch_dtype": "float32", "use_cache": True}
        onnx_path = os.path.join(d, "onnx", "model.onnx")
        tcfg = {"model_max_length": ctx, "bos_token": "<s>", "eos_token": "</s>", "add_bos_token": True,
                "tokenizer_class": "LlamaTokenizerFast"}
        stm = {"bos_token": "<s>", "eos_token": "</s>", "additional_special_tokens": fim}
        # a list, as Qwen2.5-Coder and Llama 3 write it: the FIM end-of-text token ends generation too
        gen = {"bos_token_id": tok.special["<s>"], "eos_token_id": [eos, tok.special["<|endoftext|>"]]}
        fim_ids = [tok.special[t] for t in ("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>")]
    head_dim = hidden // heads
    model.eval()
    export(model, onnx_path, layers, kv_heads, head_dim)
    write(d, "config.json", config)
    write(d, "generation_config.json", gen)
    write(d, "tokenizer.json", tok.tokenizer_json())
    write(d, "tokenizer_config.json", tcfg)
    write(d, "special_tokens_map.json", stm)
    eos_set = set(gen["eos_token_id"]) if isinstance(gen["eos_token_id"], list) else {gen["eos_token_id"]}
    cases = []
    for p in PROMPTS:
        ids = tok.encode(p)
        cases.append({"prompt": p, "prompt_ids": ids,
                      "greedy_ids": greedy(model, ids, GREEDY_TOKENS, layers, kv_heads, head_dim, eos_set)})
    fims = []
    bos = [tok.special[tok.bos]] if tok.bos else []
    for prefix, suffix in FIM_CASES:
        ids = bos + [fim_ids[0]] + tok.encode(prefix, False) + [fim_ids[1]] + tok.encode(suffix, False) + [fim_ids[2]]
        fims.append({"prefix": prefix, "suffix": suffix, "prompt_ids": ids,
                     "greedy_ids": greedy(model, ids, GREEDY_TOKENS, layers, kv_heads, head_dim, eos_set)})
    write(d, "reference.json", {"family": family, "greedy_tokens": GREEDY_TOKENS, "cases": cases, "fim": fims,
                                "eos_token_ids": sorted(eos_set)})
    size = sum(os.path.getsize(os.path.join(b, f)) for b, _, fs in os.walk(d) for f in fs)
    print(f"{name}: vocab {tok.size}, {sum(p.numel() for p in model.parameters())} parameters, {size // 1024} KB")


class NativeContract(nn.Module):
    """The same model behind the project's own contract: past_key_<l>/past_value_<l> -> logits of the last
    position and new_key_values (only the fed positions' keys and values)."""

    def __init__(self, inner, layers):
        super().__init__()
        self.inner, self.layers = inner, layers

    def forward(self, input_ids, position_ids, attention_mask, *past):
        out = self.inner(input_ids, attention_mask, position_ids, *past)
        s = input_ids.shape[1]
        new = torch.stack([torch.stack([out[1 + 2 * l][:, :, -s:], out[2 + 2 * l][:, :, -s:]])
                           for l in range(self.layers)])
        return out[0][:, -1, :], new


def bench(out):
    """One random GPT-2 (4 layers, 4 heads of 32, d=128, context 1100) in both layouts, for StepTimeTable."""
    torch.manual_seed(7)
    layers, heads, hidden, ctx, vocab = 4, 4, 128, 1100, 1024
    model = Gpt2(vocab, hidden, layers, heads, ctx).eval()
    hd = hidden // heads
    d = os.path.join(out, "optimum")
    os.makedirs(d, exist_ok=True)
    export(model, os.path.join(d, "model.onnx"), layers, heads, hd)
    tok = Tokenizer(corpus()[:2000], ["<|endoftext|>"])
    write(d, "config.json", {"model_type": "gpt2", "vocab_size": vocab, "n_positions": ctx, "n_embd": hidden,
                             "n_layer": layers, "n_head": heads, "bos_token_id": 0, "eos_token_id": 0})
    write(d, "tokenizer.json", tok.tokenizer_json())
    n = os.path.join(out, "native")
    os.makedirs(n, exist_ok=True)
    names = []
    for i in range(layers):
        names += [f"past_key_{i}", f"past_value_{i}"]
    dyn = {"input_ids": {0: "b", 1: "s"}, "position_ids": {0: "b", 1: "s"}, "attention_mask": {0: "b", 1: "t"},
           "logits": {0: "b"}, "new_key_values": {2: "b", 4: "s"}}
    for nm in names:
        dyn[nm] = {0: "b", 2: "p"}
    args = (torch.tensor([[1, 2, 3]]), torch.tensor([[2, 3, 4]]), torch.ones(1, 5, dtype=torch.long),
            *[torch.zeros(1, heads, 2, hd) for _ in names])
    torch.onnx.export(NativeContract(model, layers), args, os.path.join(n, "model.onnx"),
                      input_names=["input_ids", "position_ids", "attention_mask"] + names,
                      output_names=["logits", "new_key_values"], dynamic_axes=dyn, opset_version=OPSET)
    write(n, "model.json", {"name": "bench-native", "version": "bench", "vocab_size": vocab, "bos_token_id": 0,
                            "eos_token_id": 0, "n_layer": layers, "n_head": heads, "head_dim": hd,
                            "context_length": ctx})
    print(f"bench models in {out}: optimum/ and native/")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "bench":
        bench(sys.argv[2] if len(sys.argv) > 2 else "/tmp/codegen-layout-bench")
        return
    out = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    text = corpus()
    fixture(out, "gpt2-tiny", "gpt2", text)
    fixture(out, "llama-tiny", "llama", text)


if __name__ == "__main__":
    main()
