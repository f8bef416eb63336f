"""The training config: a pydantic schema (unknown keys are errors, so a typo cannot silently fall
back to a default) and a loader that turns every problem into one readable line."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DEFAULT_CONFIG = Path(__file__).resolve().parent / "configs" / "qwen14b_qlora.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DataConfig(_Strict):
    train_files: list[Path] = Field(min_length=1)
    val_size: float = Field(0.05, ge=0.0, lt=1.0)
    cutoff_len: int = Field(2048, ge=16)
    system_prompt: str | None = None


class QuantConfig(_Strict):
    load_in_4bit: bool = True
    quant_type: Literal["nf4", "fp4"] = "nf4"
    double_quant: bool = True
    compute_dtype: Literal["bfloat16", "float16", "float32"] = "bfloat16"


class LoraSettings(_Strict):
    r: int = Field(64, ge=1)
    alpha: int = Field(128, ge=1)
    dropout: float = Field(0.05, ge=0.0, lt=1.0)
    target_modules: str | list[str] = "all-linear"


class TrainingSettings(_Strict):
    learning_rate: float = Field(2e-4, gt=0)
    num_epochs: float = Field(3, gt=0)
    lr_scheduler: Literal["cosine", "linear", "constant", "constant_with_warmup"] = "cosine"
    warmup_ratio: float = Field(0.1, ge=0.0, lt=1.0)
    per_device_batch_size: int = Field(2, ge=1)
    gradient_accumulation_steps: int = Field(8, ge=1)
    bf16: bool = True
    gradient_checkpointing: bool = True
    logging_steps: int = Field(10, ge=1)
    eval_steps: int = Field(200, ge=1)
    save_steps: int = Field(200, ge=1)
    save_total_limit: int | None = 3
    seed: int = 42
    max_steps: int = -1  # > 0 overrides num_epochs (smoke runs)


class TrainConfig(_Strict):
    model: str
    output_dir: Path
    data: DataConfig
    quantization: QuantConfig = QuantConfig()
    lora: LoraSettings = LoraSettings()
    training: TrainingSettings = TrainingSettings()

    @field_validator("model")
    @classmethod
    def _model_not_empty(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must name a model (hub id or local directory)")
        return v

    @property
    def effective_batch_size(self) -> int:
        return self.training.per_device_batch_size * self.training.gradient_accumulation_steps


class ConfigError(ValueError):
    """One line saying what is wrong with the config file."""


def _first_error(e: ValidationError) -> str:
    parts = []
    for err in e.errors()[:3]:
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        parts.append(f"{where}: {msg}")
    more = f" (+{len(e.errors()) - 3} more)" if len(e.errors()) > 3 else ""
    return "; ".join(parts) + more


def parse_config(data: object, source: str = "config") -> TrainConfig:
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping at the top level")
    try:
        return TrainConfig.model_validate(data)
    except ValidationError as e:
        raise ConfigError(f"{source}: {_first_error(e)}") from None


def load_config(path: Path) -> TrainConfig:
    if not path.exists():
        raise ConfigError(f"config not found: {path}")
    if path.is_dir():
        raise ConfigError(f"config is a directory: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: not valid YAML ({' '.join(str(e).split())[:200]})") from None
    return parse_config(data, str(path))
