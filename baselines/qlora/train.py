"""One training run: encode the data, fine-tune with transformers' Trainer, save the LoRA adapter."""
from __future__ import annotations

import json
import math
from pathlib import Path

from baselines.qlora.config import TrainConfig
from baselines.qlora.data import Collator, TokenDataset, encode_all, read_alpaca, split
from baselines.qlora.model import TrainError, cuda_available, load_model, load_tokenizer, preflight


def prepare(cfg: TrainConfig, tokenizer=None):
    """(tokenizer, train items, val items, plan dict): everything short of loading the model."""
    try:
        rows = read_alpaca(list(cfg.data.train_files))
    except (FileNotFoundError, ValueError) as e:
        raise TrainError(str(e)) from None
    tokenizer = tokenizer or load_tokenizer(cfg)
    try:
        items, stats = encode_all(rows, tokenizer, cfg.data.cutoff_len, cfg.data.system_prompt)
    except ValueError as e:
        raise TrainError(str(e)) from None
    if not items:
        raise TrainError(f"no sample fits cutoff_len={cfg.data.cutoff_len}")
    train, val = split(items, cfg.data.val_size, cfg.training.seed)
    steps_per_epoch = math.ceil(len(train) / cfg.effective_batch_size)
    total = cfg.training.max_steps if cfg.training.max_steps > 0 else math.ceil(steps_per_epoch * cfg.training.num_epochs)
    plan = {
        "model": cfg.model, "output_dir": str(cfg.output_dir),
        "rows": stats.rows, "kept": stats.kept, "dropped_prompt_too_long": stats.dropped, "truncated": stats.truncated,
        "train": len(train), "validation": len(val), "tokens": stats.tokens,
        "response_token_share": round(stats.response_tokens / stats.tokens, 4) if stats.tokens else 0.0,
        "effective_batch_size": cfg.effective_batch_size, "steps_per_epoch": steps_per_epoch, "total_steps": total,
        "four_bit": cfg.quantization.load_in_4bit, "cuda": cuda_available(),
    }
    return tokenizer, train, val, plan


def training_arguments(cfg: TrainConfig, has_eval: bool):
    from transformers import TrainingArguments

    t = cfg.training
    return TrainingArguments(
        output_dir=str(cfg.output_dir),
        learning_rate=t.learning_rate,
        num_train_epochs=t.num_epochs,
        max_steps=t.max_steps,
        lr_scheduler_type=t.lr_scheduler,
        warmup_steps=t.warmup_ratio,  # a float < 1 is a ratio of the total steps (transformers >= 5)
        per_device_train_batch_size=t.per_device_batch_size,
        per_device_eval_batch_size=t.per_device_batch_size,
        gradient_accumulation_steps=t.gradient_accumulation_steps,
        bf16=t.bf16,
        logging_steps=t.logging_steps,
        eval_strategy="steps" if has_eval else "no",
        eval_steps=t.eval_steps,
        save_strategy="steps",
        save_steps=t.save_steps,
        save_total_limit=t.save_total_limit,
        seed=t.seed,
        report_to="none",
        remove_unused_columns=False,  # our dataset already holds exactly input_ids/labels
        use_cpu=not cuda_available(),
    )


def run(cfg: TrainConfig, tokenizer=None, callbacks=None) -> dict:
    """Train and save; returns the summary also written to <output_dir>/train_summary.json."""
    from transformers import Trainer

    preflight(cfg)
    tokenizer, train, val, plan = prepare(cfg, tokenizer)
    model = load_model(cfg)
    trainer = Trainer(
        model=model, args=training_arguments(cfg, bool(val)), data_collator=Collator(tokenizer.pad_token_id),
        train_dataset=TokenDataset(train), eval_dataset=TokenDataset(val) if val else None,
        processing_class=tokenizer, callbacks=callbacks,
    )
    result = trainer.train()
    metrics = dict(result.metrics)
    if val:
        metrics.update(trainer.evaluate())
    adapter_dir = Path(cfg.output_dir) / "adapter"
    model.save_pretrained(adapter_dir)
    tokenizer.save_pretrained(adapter_dir)
    summary = {**plan, "adapter_dir": str(adapter_dir), "global_step": trainer.state.global_step,
               "metrics": {k: (round(v, 6) if isinstance(v, float) else v) for k, v in metrics.items()},
               "config": json.loads(cfg.model_dump_json())}
    (Path(cfg.output_dir) / "train_summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary
