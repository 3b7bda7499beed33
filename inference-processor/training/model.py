"""Byte-level GPT (pre-LayerNorm, learned absolute positions, GELU MLP, tied embeddings).

Two entry points share the same weights and the same math:
  * forward_train(idx)         -> logits for every position (plain causal attention), used in training
  * forward_kv(ids, pos, mask, past) -> (last-position logits, present KV), the graph exported to ONNX
"""
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB_SIZE = 257          # bytes 0..255 + <|endoftext|>
EOT = 256                 # used as BOS and EOS
MASK_VALUE = -1e4         # additive mask; fp16-safe, exp() underflows to exactly 0 in fp32


@dataclass
class Config:
    name: str
    n_layer: int
    n_head: int
    head_dim: int
    context_length: int = 256
    vocab_size: int = VOCAB_SIZE

    @property
    def d_model(self):
        return self.n_head * self.head_dim

    def to_dict(self):
        d = asdict(self)
        d["d_model"] = self.d_model
        return d


CONFIGS = {
    "default": Config(name="java-coder-3m", n_layer=4, n_head=4, head_dim=64),
    "tiny": Config(name="java-coder-tiny", n_layer=2, n_head=4, head_dim=32),
}


class Block(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        d = cfg.d_model
        self.n_head, self.head_dim = cfg.n_head, cfg.head_dim
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.fc_out = nn.Linear(4 * d, d)

    def _split(self, x):  # [B, S, 3d] -> 3 x [B, H, S, hd]
        B, S, _ = x.shape
        qkv = x.view(B, S, 3, self.n_head, self.head_dim).permute(2, 0, 3, 1, 4)
        return qkv[0], qkv[1], qkv[2]

    def _mlp(self, x):
        return self.fc_out(F.gelu(self.fc(self.ln2(x))))

    def forward(self, x, bias, past_k=None, past_v=None):
        """x [B,S,d]; bias additive [B or 1, 1, S, P+S]; past_k/v [B,H,P,hd] or None.

        Returns (x, k, v) with k, v the new positions' keys and values [B,H,S,hd] only. The past is read, never
        copied: scores against the past and against the new keys are computed apart and joined (a [B,H,S,P+S]
        tensor, small), so a decode step's memory traffic over the KV cache is one read of it.
        """
        B, S, d = x.shape
        q, k, v = self._split(self.qkv(self.ln1(x)))
        scale = 1.0 / math.sqrt(self.head_dim)
        if past_k is None:
            att = torch.softmax((q @ k.transpose(-2, -1)) * scale + bias, dim=-1)
            y = att @ v
        else:
            P = past_k.shape[2]
            scores = torch.cat([q @ past_k.transpose(-2, -1), q @ k.transpose(-2, -1)], dim=-1)
            att = torch.softmax(scores * scale + bias, dim=-1)
            y = att[..., :P] @ past_v + att[..., P:] @ v
        y = y.transpose(1, 2).reshape(B, S, d)
        x = x + self.proj(y)
        x = x + self._mlp(x)
        return x, k, v


class GPT(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        d = cfg.d_model
        self.tok_emb = nn.Embedding(cfg.vocab_size, d)
        self.pos_emb = nn.Embedding(cfg.context_length, d)
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layer)])
        self.ln_f = nn.LayerNorm(d)
        self.apply(self._init)
        for b in self.blocks:  # GPT-2 style scaled init of residual projections
            nn.init.normal_(b.proj.weight, std=0.02 / math.sqrt(2 * cfg.n_layer))
            nn.init.normal_(b.fc_out.weight, std=0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    def num_parameters(self):
        return sum(p.numel() for p in self.parameters())  # tied head counted once

    def _logits(self, x):
        return self.ln_f(x) @ self.tok_emb.weight.t()

    def forward_train(self, idx):
        """idx [B,S] -> logits [B,S,V]; positions 0..S-1, causal attention."""
        B, S = idx.shape
        pos = torch.arange(S, device=idx.device)
        x = self.tok_emb(idx) + self.pos_emb(pos)[None]
        causal = torch.ones(S, S, dtype=torch.bool, device=idx.device).tril()
        bias = torch.zeros(S, S, device=idx.device).masked_fill(~causal, MASK_VALUE)[None, None]
        for b in self.blocks:
            x, _, _ = b(x, bias)
        return self._logits(x)

    def forward_kv(self, input_ids, position_ids, attention_mask, past):
        """The ONNX contract.

        input_ids, position_ids: int64 [B,S]; attention_mask: int64 [B,P+S];
        past: per layer (past_key, past_value), each float32 [B,H,P,hd] (P may be 0).
        Returns logits [B,V] of the last position and new_key_values [L,2,B,H,S,hd]: the keys and values of the
        S new positions only; the caller appends them to its cache.
        Query i (0..S-1) sees key j iff attention_mask[b,j]==1 and j <= P+i.
        """
        S = input_ids.shape[1]
        T = attention_mask.shape[1]
        x = self.tok_emb(input_ids) + self.pos_emb(position_ids)
        q_pos = torch.arange(S, device=input_ids.device) + (T - S)          # absolute slot of each query
        k_pos = torch.arange(T, device=input_ids.device)
        causal = k_pos[None, :] <= q_pos[:, None]                            # [S,T]
        allowed = causal[None, None] & (attention_mask[:, None, None, :] == 1)  # [B,1,S,T]
        bias = (1.0 - allowed.to(x.dtype)) * MASK_VALUE
        news = []
        for i, b in enumerate(self.blocks):
            x, k, v = b(x, bias, past[i][0], past[i][1])
            news.append(torch.stack([k, v], dim=0))
        logits = self._logits(x[:, -1, :])
        return logits, torch.stack(news, dim=0)


def past_input_names(n_layer):
    """ONNX input names of the per-layer past: past_key_0, past_value_0, past_key_1, ..."""
    return [f"past_{kind}_{i}" for i in range(n_layer) for kind in ("key", "value")]


class OnnxWrapper(nn.Module):
    """Flat signature for export: input_ids, position_ids, attention_mask, then past key and value per layer."""

    def __init__(self, model: GPT):
        super().__init__()
        self.model = model

    def forward(self, input_ids, position_ids, attention_mask, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(len(past_flat) // 2)]
        return self.model.forward_kv(input_ids, position_ids, attention_mask, past)
