"""Alpaca rows -> chat-formatted token ids with the loss on the response only.

The prompt is rendered with the model's own chat template (as vLLM's chat endpoint renders it at
eval time), and every prompt token's label is -100, so the model is trained only to produce the
answer. We mask ourselves rather than rely on a trainer option, and check the prompt really is a
prefix of the full conversation (a template that rewrites earlier turns would break masking).
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

IGNORE_INDEX = -100


@dataclass
class Encoded:
    input_ids: list[int]
    labels: list[int]
    truncated: bool = False

    @property
    def response_tokens(self) -> int:
        return sum(1 for t in self.labels if t != IGNORE_INDEX)


@dataclass
class EncodeStats:
    rows: int = 0
    kept: int = 0
    truncated: int = 0  # response cut at cutoff_len (still trained on what fits)
    dropped: int = 0  # prompt alone reaches cutoff_len: nothing left to learn
    tokens: int = 0
    response_tokens: int = 0
    bad_rows: list[str] = field(default_factory=list)


def read_alpaca(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"training data not found: {path}")
        # Each a one-line ValueError naming the file: a directory was an IsADirectoryError traceback
        # and bad UTF-8 a bare "'utf-8' codec can't decode" that did not say which file.
        if path.is_dir():
            raise ValueError(f"training data is a directory, not a JSONL file: {path}")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as e:
            raise ValueError(f"{path}: not UTF-8 text (byte {e.start})") from None
        except OSError as e:
            raise ValueError(f"{path}: cannot read: {e.strerror or e}") from None
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                raise ValueError(f"{path}:{n}: not JSON") from None
            if not isinstance(row, dict) or not isinstance(row.get("instruction"), str) or not isinstance(row.get("output"), str):
                raise ValueError(f"{path}:{n}: expected an Alpaca row with string 'instruction' and 'output'")
            rows.append(row)
    if not rows:
        raise ValueError("training data is empty")
    return rows


def messages_for(row: dict, system_prompt: str | None) -> list[dict]:
    user = row["instruction"] if not row.get("input") else f"{row['instruction']}\n\n{row['input']}"
    msgs = [{"role": "system", "content": system_prompt}] if system_prompt else []
    return msgs + [{"role": "user", "content": user}]


def encode(row: dict, tokenizer, cutoff_len: int, system_prompt: str | None = None) -> Encoded | None:
    """Token ids and labels for one row; None when the prompt alone fills cutoff_len."""
    msgs = messages_for(row, system_prompt)
    prompt_text = tokenizer.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)
    full_text = tokenizer.apply_chat_template(msgs + [{"role": "assistant", "content": row["output"]}],
                                              tokenize=False, add_generation_prompt=False)
    if not full_text.startswith(prompt_text):
        raise ValueError("the chat template does not render the prompt as a prefix of the conversation; "
                         "response-only masking would be wrong")
    prompt_ids = tokenizer(prompt_text, add_special_tokens=False)["input_ids"]
    response_ids = tokenizer(full_text[len(prompt_text):], add_special_tokens=False)["input_ids"]
    if len(prompt_ids) >= cutoff_len:
        return None
    ids = (prompt_ids + response_ids)[:cutoff_len]
    labels = ([IGNORE_INDEX] * len(prompt_ids) + response_ids)[:cutoff_len]
    return Encoded(ids, labels, truncated=len(prompt_ids) + len(response_ids) > cutoff_len)


def encode_all(rows: list[dict], tokenizer, cutoff_len: int, system_prompt: str | None = None) -> tuple[list[Encoded], EncodeStats]:
    stats = EncodeStats(rows=len(rows))
    out = []
    for row in rows:
        enc = encode(row, tokenizer, cutoff_len, system_prompt)
        if enc is None:
            stats.dropped += 1
            continue
        stats.truncated += enc.truncated
        stats.kept += 1
        stats.tokens += len(enc.input_ids)
        stats.response_tokens += enc.response_tokens
        out.append(enc)
    return out, stats


def split(items: list, val_size: float, seed: int) -> tuple[list, list]:
    """Deterministic shuffle, then the last val_size share is validation (at least one when asked)."""
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    n_val = int(round(len(items) * val_size))
    if val_size > 0 and n_val == 0 and len(items) >= 2:
        n_val = 1
    val_idx = set(order[len(order) - n_val:]) if n_val else set()
    train = [items[i] for i in order if i not in val_idx]
    val = [items[i] for i in order if i in val_idx]
    return train, val


class Collator:
    """Right-pads a batch; padded positions get attention 0 and label -100."""

    def __init__(self, pad_token_id: int):
        self.pad = pad_token_id

    def __call__(self, batch: list) -> dict:
        import torch

        width = max(len(b["input_ids"]) for b in batch)
        ids, mask, labels = [], [], []
        for b in batch:
            n = len(b["input_ids"])
            ids.append(list(b["input_ids"]) + [self.pad] * (width - n))
            mask.append([1] * n + [0] * (width - n))
            labels.append(list(b["labels"]) + [IGNORE_INDEX] * (width - n))
        return {"input_ids": torch.tensor(ids), "attention_mask": torch.tensor(mask), "labels": torch.tensor(labels)}


class TokenDataset:
    """A list of Encoded as the dicts Trainer feeds the collator."""

    def __init__(self, items: list[Encoded]):
        self.items = items

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> dict:
        return {"input_ids": self.items[i].input_ids, "labels": self.items[i].labels}
